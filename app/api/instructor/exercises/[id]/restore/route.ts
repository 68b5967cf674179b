// POST /api/instructor/exercises/:id/restore {versionId, baseRevision}: an old version's text
// becomes the draft (a save like any other; publishing it again reuses that version).
import { z } from 'zod';
import { db } from '@/lib/db';
import { restoreVersion } from '@/lib/authoring/exercises';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ versionId: z.string().min(1).max(64), baseRevision: z.int().min(0) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  try {
    return apiJson(await restoreVersion(db(), { exerciseId: (await params).id, ...input.body }));
  } catch (error) {
    return authoringFailure(error);
  }
}
