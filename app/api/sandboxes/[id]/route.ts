// GET /api/sandboxes/:id: the sandbox's state as the runner sees it now.
// DELETE /api/sandboxes/:id: deletes it (reset deletes, then creates a fresh one).
import { db } from '@/lib/db';
import { runner } from '@/lib/runner';
import { deleteSandbox, refreshSandbox } from '@/lib/runner/learner-sandboxes';
import { apiJson, runnerFailure, sandboxForBrowser } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  try {
    const { row, view } = await refreshSandbox(db(), runner(), guard.row);
    return apiJson(sandboxForBrowser(row.id, view));
  } catch (error) {
    return runnerFailure(error);
  }
}

export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  try {
    await deleteSandbox(db(), runner(), guard.row);
    return apiJson({ id: guard.row.id, state: 'deleted' });
  } catch (error) {
    return runnerFailure(error);
  }
}
