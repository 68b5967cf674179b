// POST /api/instructor/exercises {lessonId, yaml}: a new browser exercise (a draft) from valid YAML.
// Recorded in the audit log (lib/authoring/instructor-actions).
import { z } from 'zod';
import { db } from '@/lib/db';
import { createExerciseAudited } from '@/lib/authoring/instructor-actions';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { MAX_EXERCISE_YAML_CHARS } from '@/lib/authoring/limits';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ lessonId: z.string().min(1).max(64), yaml: z.string().max(MAX_EXERCISE_YAML_CHARS) });

export async function POST(request: Request) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  try {
    const exercise = await createExerciseAudited(db(), who.user, input.body);
    return apiJson({ id: exercise.id, ref: exercise.ref, revision: exercise.draftRevision }, 201);
  } catch (error) {
    return authoringFailure(error);
  }
}
