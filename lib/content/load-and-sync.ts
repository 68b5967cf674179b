// Loads the course content from the exercises directory and syncs it into the database: what
// the web app runs on start (instrumentation.ts). Invalid content is reported and nothing is
// written, so the platform keeps serving the last good content.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ExerciseFormatError, loadCourses } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { CONTENT_HASH_SETTING, syncContent, type SyncSummary } from './sync';

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

/** Setting key holding the hash of the raw files last synced: equal bytes, nothing to parse. */
export const CONTENT_FILES_HASH_SETTING = 'content.filesHash';

/** sha256 over every file's path and bytes under `dir` (the content tree is small: KBs, not MBs). */
export async function filesHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (relative: string): Promise<void> => {
    const entries = (await readdir(path.join(dir, relative), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) hash.update(child).update('\0').update(await readFile(path.join(dir, child))).update('\0');
    }
  };
  await walk('');
  return hash.digest('hex');
}

export async function syncContentFromDir(db: Db, dir: string): Promise<SyncSummary> {
  let files: string;
  try {
    files = await filesHash(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ContentSyncError('CONTENT_DIR_MISSING', `no exercises directory at ${dir}`);
    throw error;
  }
  // The fast path of a restart: the same bytes as last time need no parsing at all.
  const stored = await db.setting.findUnique({ where: { key: CONTENT_FILES_HASH_SETTING } });
  if (stored?.value === JSON.stringify(files)) {
    const content = await db.setting.findUnique({ where: { key: CONTENT_HASH_SETTING } });
    const hash = content ? (JSON.parse(content.value) as string) : '';
    return { changed: false, hash, courses: 0, lessons: 0, exercises: 0, newVersions: [], archived: [], conflicts: [] };
  }
  const summary = await loadAndSync(db, dir);
  const value = JSON.stringify(files);
  await db.setting.upsert({ where: { key: CONTENT_FILES_HASH_SETTING }, create: { key: CONTENT_FILES_HASH_SETTING, value }, update: { value } });
  return summary;
}

async function loadAndSync(db: Db, dir: string): Promise<SyncSummary> {
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
