// POST /api/sandboxes/:id/tickets {terminal}: a one-use, short-lived WebSocket URL for one
// terminal tab, issued only to the sandbox's own learner.
import { db } from '@/lib/db';
import { z } from 'zod';
import { runners } from '@/lib/runner';
import { apiError, apiJson, runnerFailure } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

// A terminal is named by its browser tab's key and its tab number (`k3x9q2m1-t1`), so a reload
// re-attaches to the same shell and two browser tabs never share one.
const bodySchema = z.object({ terminal: z.string().regex(/^([a-z0-9]{8}-)?t[1-9][0-9]?$/) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  const body = bodySchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) return apiError(400, 'BAD_REQUEST', 'expected {"terminal": "<tab key>-t1".."<tab key>-t99"}');
  try {
    return apiJson({ url: await runners().onHost(db(), guard.row, (client) => client.shellTicket(guard.row.runnerId, guard.user.id, body.data.terminal)) });
  } catch (error) {
    return runnerFailure(error);
  }
}
