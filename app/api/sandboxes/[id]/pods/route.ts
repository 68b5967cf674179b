// GET /api/sandboxes/:id/pods: the sandbox's Pods and their containers' states, for the live panel.
import { db } from '@/lib/db';
import type { PodForBrowser } from '@/components/learn/types';
import { runners } from '@/lib/runner';
import { apiJson, runnerFailure } from '@/lib/runner/responses';
import { guardSandbox } from '@/lib/runner/route-guard';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const guard = await guardSandbox((await params).id);
  if (!guard.ok) return guard.response;
  try {
    const { pods } = await runners().onHost(db(), guard.row, (client) => client.workloads(guard.row.runnerId, guard.user.id));
    const body: PodForBrowser[] = pods.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      phase: p.phase,
      reason: p.reason ?? null,
      message: p.message ?? null,
      ports: p.ports ?? [],
      containers: p.containers.map((c) => ({ name: c.name, image: c.image, state: c.state, reason: c.reason, ready: c.ready, restarts: c.restartCount })),
    }));
    return apiJson({ pods: body });
  } catch (error) {
    return runnerFailure(error);
  }
}
