// GET /api/instructor/export?course=<slug> | ?exercise=<id>: a zip in the exercises/ layout
// (lib/authoring/zip-export: repository files and authors' YAML byte for byte).
// Recorded in the audit log (lib/authoring/instructor-actions).
import { db } from '@/lib/db';
import { exercisesDir } from '@/lib/content/load-and-sync';
import { authoringFailure, guardAuthor } from '@/lib/authoring/http';
import { exportAudited } from '@/lib/authoring/instructor-actions';
import { zip } from '@/lib/authoring/zip-export';
import { apiError } from '@/lib/runner/responses';

export async function GET(request: Request) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const query = new URL(request.url).searchParams;
  const course = query.get('course');
  const exercise = query.get('exercise');
  if ((course === null) === (exercise === null) || (course ?? exercise ?? '').length > 200) return apiError(400, 'BAD_REQUEST', 'expected ?course=<slug> or ?exercise=<id>');
  try {
    const { name, files } = await exportAudited(db(), who.user, exercisesDir(), course !== null ? { course } : { exercise: exercise! });
    const body = zip(files);
    return new Response(body as unknown as BodyInit, {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${name.replace(/[^a-z0-9-]/g, '_')}.zip"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return authoringFailure(error);
  }
}
