// POST /api/instructor/exercises/:id/state {action: "publish" | "unpublish"}. Publishing takes
// the saved draft and is refused unless "Prove it" passed on exactly that text.
import { z } from 'zod';
import { db } from '@/lib/db';
import { publishExercise, unpublishExercise } from '@/lib/authoring/exercises';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ action: z.enum(['publish', 'unpublish']) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  const exerciseId = (await params).id;
  try {
    if (input.body.action === 'unpublish') {
      await unpublishExercise(db(), exerciseId);
      return apiJson({ state: 'draft' });
    }
    const version = await publishExercise(db(), { exerciseId, userId: who.user.id });
    return apiJson({ state: 'published', version: version.version });
  } catch (error) {
    return authoringFailure(error);
  }
}
