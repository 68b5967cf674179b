// Loads the course content from the exercises directory and syncs it into the database: what
// the web app runs on start (instrumentation.ts). Invalid content is reported and nothing is
// written, so the platform keeps serving the last good content.
import path from 'node:path';
import { z } from 'zod';
import { ExerciseFormatError, loadCourses } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { syncContent, type SyncSummary } from './sync';

export class ContentSyncError extends Error {
  constructor(
    readonly code: 'CONTENT_INVALID' | 'CONTENT_DIR_MISSING',
    message: string,
  ) {
    super(message);
    this.name = 'ContentSyncError';
  }
}

const exercisesDirSchema = z.string().min(1).optional();

/** The exercises directory: KUBELAB_EXERCISES_DIR, else `exercises/` of the working directory. */
export function exercisesDir(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  const configured = exercisesDirSchema.parse(source.KUBELAB_EXERCISES_DIR || undefined);
  return path.resolve(cwd, configured ?? 'exercises');
}

export async function syncContentFromDir(db: Db, dir: string): Promise<SyncSummary> {
  let courses;
  try {
    courses = await loadCourses(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ContentSyncError('CONTENT_DIR_MISSING', `no exercises directory at ${dir}`);
    if (error instanceof ExerciseFormatError) throw new ContentSyncError('CONTENT_INVALID', `the content in ${dir} does not load:\n${error.message}`);
    throw error;
  }
  return syncContent(db, courses);
}
