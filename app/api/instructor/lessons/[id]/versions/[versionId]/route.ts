// GET /api/instructor/lessons/:id/versions/:versionId: one saved version's text (both locales'
// titles and markdown, and the diff layout), fetched when the history compares it.
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor } from '@/lib/authoring/http';
import { lessonDiffText } from '@/lib/authoring/lesson-text';
import { lessonVersion } from '@/lib/authoring/lessons';
import { apiJson } from '@/lib/runner/responses';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string; versionId: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const { id, versionId } = await params;
  try {
    const v = await lessonVersion(db(), id, versionId);
    return apiJson({ version: v.version, title: v.title, body: v.body, text: lessonDiffText(v) });
  } catch (error) {
    return authoringFailure(error);
  }
}
