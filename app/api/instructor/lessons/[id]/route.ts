// PUT /api/instructor/lessons/:id {title, body, baseRevision}: saves the lesson draft (refused
// with the stored text when someone else saved first).
// POST /api/instructor/lessons/:id {action: "publish" | "unpublish"}.
import { z } from 'zod';
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { publishLesson, saveLessonDraft, unpublishLesson } from '@/lib/authoring/lessons';
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
    return apiJson(await saveLessonDraft(db(), { lessonId: (await params).id, ...input.body }));
  } catch (error) {
    return authoringFailure(error, JSON.stringify({ title: input.body.title, body: input.body.body }, null, 2));
  }
}

export async function POST(request: Request, { params }: Params) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, actionSchema);
  if (!input.ok) return input.response;
  const id = (await params).id;
  try {
    const lesson = input.body.action === 'publish' ? await publishLesson(db(), id) : await unpublishLesson(db(), id);
    return apiJson({ published: lesson.published });
  } catch (error) {
    return authoringFailure(error);
  }
}
