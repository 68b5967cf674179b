// POST /api/sandboxes/:id/extend: pushes the idle deadline out (never past the maximum lifetime).
import { db } from '@/lib/db';
import { runners } from '@/lib/runner';
import { apiJson, runnerFailure, sandboxForBrowser } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  try {
    const view = await runners().onHost(db(), guard.row, (client) => client.extendSandbox(guard.row.runnerId, guard.user.id));
    await db().sandbox.update({ where: { id: guard.row.id }, data: { state: view.state, expiresAt: new Date(view.expiresAt) } });
    return apiJson(sandboxForBrowser(guard.row.id, view));
  } catch (error) {
    return runnerFailure(error);
  }
}
