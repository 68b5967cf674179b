// POST /api/sandboxes/:id/previews {namespace?, pod, port}: a one-use URL that opens what a
// port of one of the learner's Pods serves, on the runner's preview origin for that Pod and
// port. Issued only to the sandbox's own learner; the link works once, in one browser.
import { db } from '@/lib/db';
import { z } from 'zod';
import { runners } from '@/lib/runner';
import { apiError, apiJson, runnerFailure } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);
const bodySchema = z.strictObject({ namespace: name.default('default'), pod: name, port: z.int().min(1).max(65535) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  const body = bodySchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) return apiError(400, 'BAD_REQUEST', 'expected {"pod": "<name>", "port": 1..65535, "namespace"?: "<name>"}');
  try {
    return apiJson({ url: await runners().onHost(db(), guard.row, (client) => client.preview(guard.row.runnerId, guard.user.id, body.data)) });
  } catch (error) {
    return runnerFailure(error);
  }
}
