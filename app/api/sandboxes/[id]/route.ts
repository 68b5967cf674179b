// GET /api/sandboxes/:id: the sandbox's state as its runner sees it now (deleted, "runner_lost", when that runner is down).
// DELETE /api/sandboxes/:id: deletes it (reset deletes, then creates a fresh one).
import { db } from '@/lib/db';
import { runners } from '@/lib/runner';
import { deleteSandbox, refreshSandbox } from '@/lib/runner/learner-sandboxes';
import { apiJson, runnerFailure, sandboxForBrowser } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  try {
    const { row, view } = await refreshSandbox(db(), runners(), guard.row);
    return apiJson(sandboxForBrowser(row.id, view));
  } catch (error) {
    return runnerFailure(error);
  }
}

export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  try {
    await deleteSandbox(db(), runners(), guard.row);
    return apiJson({ id: guard.row.id, state: 'deleted' });
  } catch (error) {
    return runnerFailure(error);
  }
}
