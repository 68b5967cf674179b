// PUT /api/instructor/exercises/:id {yaml, baseRevision}: saves the draft. Invalid YAML is kept
// and answered with its located problems; a stale base revision is refused with the stored
// text and a side-by-side diff (nothing is lost: the caller still has its text).
// Recorded in the audit log (lib/authoring/instructor-actions).
import { z } from 'zod';
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { saveExerciseAudited } from '@/lib/authoring/instructor-actions';
import { MAX_EXERCISE_YAML_CHARS } from '@/lib/authoring/limits';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ yaml: z.string().max(MAX_EXERCISE_YAML_CHARS), baseRevision: z.int().min(0) });

export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  try {
    return apiJson(await saveExerciseAudited(db(), who.user, { exerciseId: (await params).id, ...input.body }));
  } catch (error) {
    return authoringFailure(error, input.body.yaml);
  }
}
