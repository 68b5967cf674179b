// POST /api/instructor/import (multipart: file, lessonId?): a course or one exercise from a zip
// in the exercises/ layout, validated with every problem at file:line:column.
// Recorded in the audit log (lib/authoring/instructor-actions).
import { db } from '@/lib/db';
import { authoringFailure, guardAuthor } from '@/lib/authoring/http';
import { importAudited } from '@/lib/authoring/instructor-actions';
import { MAX_ZIP_BYTES } from '@/lib/authoring/zip-import';
import { apiError, apiJson } from '@/lib/runner/responses';

export async function POST(request: Request) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_ZIP_BYTES + 64 * 1024) return apiError(413, 'BAD_REQUEST', `the upload is larger than ${MAX_ZIP_BYTES} bytes`);
  const form = await request.formData().catch(() => null);
  const file = form?.get('file');
  if (!form || !(file instanceof Blob)) return apiError(400, 'BAD_REQUEST', 'expected a multipart form with a zip in "file"');
  const lessonId = form.get('lessonId');
  try {
    const summary = await importAudited(db(), who.user, new Uint8Array(await file.arrayBuffer()), typeof lessonId === 'string' && lessonId !== '' ? lessonId : null);
    return apiJson(summary, 201);
  } catch (error) {
    return authoringFailure(error);
  }
}
