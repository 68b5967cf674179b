// PUT /api/instructor/lessons/:id {title, body, baseRevision}: saves the lesson draft as a new
// version (refused with the stored text and a diff when someone else saved first).
// POST /api/instructor/lessons/:id {action: "publish" | "unpublish"}.
// Recorded in the audit log (lib/authoring/instructor-actions).
import { z } from 'zod';
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { lessonDiffText } from '@/lib/authoring/lesson-text';
import { saveLessonAudited, setLessonStateAudited } from '@/lib/authoring/instructor-actions';
import { apiJson } from '@/lib/runner/responses';

type Params = { params: Promise<{ id: string }> };

const saveSchema = z.strictObject({
  title: z.record(z.string(), z.string().max(200)),
  body: z.record(z.string(), z.string().max(200_000)),
  baseRevision: z.int().min(0),
});
const actionSchema = z.strictObject({ action: z.enum(['publish', 'unpublish']) });

export async function PUT(request: Request, { params }: Params) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, saveSchema);
  if (!input.ok) return input.response;
  try {
    return apiJson(await saveLessonAudited(db(), who.user, { lessonId: (await params).id, ...input.body }));
  } catch (error) {
    return authoringFailure(error, lessonDiffText(input.body));
  }
}

export async function POST(request: Request, { params }: Params) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, actionSchema);
  if (!input.ok) return input.response;
  try {
    const lesson = await setLessonStateAudited(db(), who.user, (await params).id, input.body.action);
    return apiJson({ published: lesson.published });
  } catch (error) {
    return authoringFailure(error);
  }
}
