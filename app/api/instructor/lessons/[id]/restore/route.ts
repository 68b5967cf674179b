// POST /api/instructor/lessons/:id/restore {versionId, baseRevision}: an old version's text is
// saved as a new version (history is never rewritten); refused like any stale save.
// Recorded in the audit log (lib/authoring/instructor-actions).
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody, restoreBodySchema } from '@/lib/authoring/http';
import { restoreLessonAudited } from '@/lib/authoring/instructor-actions';
import { apiJson } from '@/lib/runner/responses';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, restoreBodySchema);
  if (!input.ok) return input.response;
  try {
    return apiJson(await restoreLessonAudited(db(), who.user, { lessonId: (await params).id, ...input.body }));
  } catch (error) {
    return authoringFailure(error);
  }
}
