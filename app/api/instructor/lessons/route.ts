// POST /api/instructor/lessons {courseId, slug, title, body}: a new, unpublished lesson (its
// first version). Recorded in the audit log (lib/authoring/instructor-actions).
import { z } from 'zod';
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { createLessonAudited } from '@/lib/authoring/instructor-actions';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({
  courseId: z.string().min(1).max(64),
  slug: z.string().max(64),
  title: z.record(z.string(), z.string().max(200)),
  body: z.record(z.string(), z.string().max(200_000)),
});

export async function POST(request: Request) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  try {
    const lesson = await createLessonAudited(db(), who.user, input.body as Parameters<typeof createLessonAudited>[2]);
    return apiJson({ id: lesson.id, revision: lesson.revision }, 201);
  } catch (error) {
    return authoringFailure(error);
  }
}
