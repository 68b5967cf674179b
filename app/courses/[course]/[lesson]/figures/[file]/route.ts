// GET /courses/:course/:lesson/figures/:file.svg: a lesson's diagram, read from the lesson's
// folder under exercises/ and kept with the published content. Only plain SVG file names of a
// published lesson are served, with a policy that keeps any script in an SVG from running.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AREAS } from '@/lib/authz-policy';
import { authorizeRequest } from '@/lib/authz';
import { exercisesDir } from '@/lib/content/load-and-sync';
import { findLesson } from '@/lib/content/queries';
import { publishedContent } from '@/lib/content/published';
import { db } from '@/lib/db';

const FIGURE_NAME = /^[\w.-]+\.svg$/;

export async function GET(_request: Request, { params }: { params: Promise<{ course: string; lesson: string; file: string }> }) {
  const auth = await authorizeRequest(AREAS.learning);
  if (!auth.ok) return new Response(null, { status: auth.status });
  const { course, lesson, file } = await params;
  if (!FIGURE_NAME.test(file) || file.startsWith('.')) return new Response(null, { status: 404 });
  if (!(await findLesson(db(), course, lesson))) return new Response(null, { status: 404 });
  // Figures change with the lesson's files, which reach the platform only through a sync. A
  // failed read is not kept, so names that do not exist cannot grow the snapshot.
  const figure = path.join(exercisesDir(), course, lesson, file);
  let body: Buffer;
  try {
    body = await (await publishedContent(db())).remember(`figure:${figure}`, () => readFile(figure));
  } catch {
    return new Response(null, { status: 404 });
  }
  return new Response(new Uint8Array(body), {
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=300',
    },
  });
}
