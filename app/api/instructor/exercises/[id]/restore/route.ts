// POST /api/instructor/exercises/:id/restore {versionId, baseRevision}: an old version's text
// becomes the draft (a save like any other; publishing it again reuses that version).
// Recorded in the audit log (lib/authoring/instructor-actions).
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody, restoreBodySchema } from '@/lib/authoring/http';
import { restoreExerciseAudited } from '@/lib/authoring/instructor-actions';
import { apiJson } from '@/lib/runner/responses';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, restoreBodySchema);
  if (!input.ok) return input.response;
  try {
    return apiJson(await restoreExerciseAudited(db(), who.user, { exerciseId: (await params).id, ...input.body }));
  } catch (error) {
    return authoringFailure(error);
  }
}
