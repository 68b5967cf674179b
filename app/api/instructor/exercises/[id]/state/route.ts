// POST /api/instructor/exercises/:id/state {action: "publish" | "unpublish" | "archive"}.
// Publishing takes the saved draft and is refused unless "Prove it" passed on exactly that text.
// Recorded in the audit log (lib/authoring/instructor-actions).
import { z } from 'zod';
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { setExerciseStateAudited } from '@/lib/authoring/instructor-actions';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ action: z.enum(['publish', 'unpublish', 'archive']) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  try {
    return apiJson(await setExerciseStateAudited(db(), who.user, (await params).id, input.body.action));
  } catch (error) {
    return authoringFailure(error);
  }
}
