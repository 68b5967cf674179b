// The sandbox API of DESIGN.md (plus what the web app's pages need: extend, list by owner,
// a workload summary for the live panel, and a stream of live check results).

import { z } from 'zod';
import type { CheckEngine } from '../checks/check-engine.js';
import type { LiveChecks } from '../checks/live-checks.js';
import { RunnerError } from '../errors.js';
import type { ExerciseCatalog } from '../exercises/exercise-catalog.js';
import { verifyExercise, type ProofEvent } from '../exercises/verify-exercise.js';
import type { SandboxService } from '../sandboxes/sandbox-service.js';
import { workloadSummary } from '../sandboxes/workload-summary.js';
import type { PreviewGateway } from '../preview/preview-gateway.js';
import type { Route } from './routes.js';
import type { Tickets, ShellGrant } from './tickets.js';

const Owner = z.string().trim().min(1).max(200);
const ExerciseRef = z.union([
  z.string().trim().min(1).max(200),
  z.record(z.string(), z.unknown()).refine((v) => Object.keys(v).length > 0, 'an exercise spec must not be empty'),
]);

const CreateSandboxBody = z.strictObject({ owner: Owner, exercise: ExerciseRef });
const OwnerBody = z.strictObject({ owner: Owner.optional() });
const ChecksBody = z.strictObject({ owner: Owner.optional(), exercise: ExerciseRef.optional() });
const ShellTicketBody = z.strictObject({
  owner: Owner.optional(),
  terminal: z.string().regex(/^[a-z0-9-]{1,32}$/, 'a terminal name is 1-32 lower-case letters, digits or dashes').default('main'),
});
const K8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes object name');
const PreviewBody = z.strictObject({
  owner: Owner.optional(),
  namespace: K8sName.default('default'),
  pod: K8sName,
  port: z.int().min(1).max(65535),
});
const OwnerQuery = z.strictObject({ owner: Owner.optional() });
const ProofBody = z.strictObject({
  owner: Owner,
  exercise: ExerciseRef,
  /** How long one solution step may run before the proof calls it failed. */
  stepTimeoutSeconds: z.int().min(1).max(600).default(120),
});
/** An admin's termination (no owner: the web app's admin area ends anyone's sandbox) says so. */
const DeleteQuery = z.strictObject({ owner: Owner.optional(), reason: z.enum(['ended_by_admin']).optional() });

export interface SandboxRouteDeps {
  sandboxes: SandboxService;
  catalog: ExerciseCatalog;
  engine: CheckEngine;
  liveChecks: LiveChecks;
  tickets: Tickets<ShellGrant>;
  previews: PreviewGateway;
  /** The ws:// base that shell URLs are built on. */
  shellBaseUrl: () => string;
}

function query<T>(schema: z.ZodType<T>, url: URL): T {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    throw new RunnerError('validation_failed', parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

export function sandboxRoutes(deps: SandboxRouteDeps): Route[] {
  const { sandboxes, catalog, engine, liveChecks, tickets } = deps;

  const checkContext = async (id: string) => {
    const clients = await sandboxes.kubeClients(id);
    return { clients, readNodeFile: (path: string) => sandboxes.provider.readNodeFile(id, path) };
  };

  return [
    {
      method: 'POST',
      path: '/v1/sandboxes',
      auth: true,
      handler: async (ctx) => {
        // A client that goes away mid-create gets nothing left behind: the create is aborted and
        // rolled back. Watched from the first moment: a hang-up while the body is still being read
        // or the exercise resolved (a catalog load from disk) must not go unnoticed.
        const controller = new AbortController();
        const onClose = () => {
          if (!ctx.res.writableFinished) controller.abort();
        };
        ctx.res.once('close', onClose);
        try {
          const body = await ctx.body(CreateSandboxBody);
          const exercise = await catalog.resolve(body.exercise);
          const sandbox = await sandboxes.create({ owner: body.owner, exerciseId: exercise.id, exercise: exercise.spec }, controller.signal);
          return { status: 201, json: sandbox };
        } finally {
          ctx.res.off('close', onClose);
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/sandboxes',
      auth: true,
      handler: (ctx) => ({ status: 200, json: { sandboxes: sandboxes.list(query(OwnerQuery, ctx.url)) } }),
    },
    {
      // The admins' fleet view: every owned sandbox with its CPU and memory use.
      method: 'GET',
      path: '/v1/fleet',
      auth: true,
      handler: async () => ({ status: 200, json: { provider: sandboxes.providerName, counts: sandboxes.counts(), sandboxes: await sandboxes.fleet() } }),
    },
    {
      method: 'GET',
      path: '/v1/sandboxes/:id',
      auth: true,
      handler: (ctx) => {
        const { owner } = query(OwnerQuery, ctx.url);
        sandboxes.authorize(ctx.params.id ?? '', owner);
        return { status: 200, json: sandboxes.get(ctx.params.id ?? '') };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/sandboxes/:id',
      auth: true,
      handler: async (ctx) => {
        const { owner, reason } = query(DeleteQuery, ctx.url);
        const sandbox = await sandboxes.delete(ctx.params.id ?? '', owner, reason ?? 'deleted');
        tickets.revoke(sandbox.id);
        liveChecks.drop(sandbox.id);
        return { status: 200, json: sandbox };
      },
    },
    {
      method: 'POST',
      path: '/v1/sandboxes/:id/extend',
      auth: true,
      handler: async (ctx) => {
        const { owner } = await ctx.body(OwnerBody);
        return { status: 200, json: await sandboxes.extend(ctx.params.id ?? '', owner) };
      },
    },
    {
      method: 'GET',
      path: '/v1/sandboxes/:id/kubeconfig',
      auth: true,
      handler: async (ctx) => {
        const { owner } = query(OwnerQuery, ctx.url);
        const id = ctx.params.id ?? '';
        sandboxes.ready(id, owner);
        return { status: 200, text: (await sandboxes.endpoint(id)).kubeconfig, contentType: 'application/yaml; charset=utf-8' };
      },
    },
    {
      method: 'POST',
      path: '/v1/sandboxes/:id/checks',
      auth: true,
      handler: async (ctx) => {
        const body = await ctx.body(ChecksBody);
        const id = ctx.params.id ?? '';
        const record = sandboxes.ready(id, body.owner);
        const exercise = body.exercise !== undefined ? (await catalog.resolve(body.exercise)).spec : record.exercise;
        if (!exercise) throw new RunnerError('bad_request', 'this sandbox has no exercise; send one in the body');
        sandboxes.touch(id);
        const run = await engine.run(exercise, await checkContext(id), 'request');
        return { status: 200, json: run };
      },
    },
    {
      method: 'GET',
      path: '/v1/sandboxes/:id/checks/stream',
      auth: true,
      handler: (ctx) => {
        const { owner } = query(OwnerQuery, ctx.url);
        const id = ctx.params.id ?? '';
        sandboxes.ready(id, owner);
        ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
        ctx.res.write(': live check results\n\n');
        const unsubscribe = liveChecks.subscribe(id, (run) => ctx.res.write(`event: checks\ndata: ${JSON.stringify(run)}\n\n`));
        const keepAlive = setInterval(() => ctx.res.write(': keep-alive\n\n'), 15_000);
        const unwatch = sandboxes.subscribe((event) => {
          if (event.type === 'ended' && event.sandbox.id === id) {
            ctx.res.write(`event: ended\ndata: ${JSON.stringify(event.sandbox)}\n\n`);
            ctx.res.end();
          }
        });
        ctx.holdOpen(() => {
          clearInterval(keepAlive);
          unsubscribe();
          unwatch();
        });
        return { handled: true };
      },
    },
    {
      // "Prove it": exercises:verify on a fresh sandbox, streamed as JSON lines (ProofEvent), the
      // last one {type: "done"}. A client that leaves aborts the proof; its sandbox is deleted.
      method: 'POST',
      path: '/v1/proofs',
      auth: true,
      handler: async (ctx) => {
        const body = await ctx.body(ProofBody);
        const exercise = await catalog.resolve(body.exercise);
        const controller = new AbortController();
        ctx.res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
        const write = (event: ProofEvent) => {
          if (!ctx.res.writableEnded) ctx.res.write(`${JSON.stringify(event)}\n`);
        };
        ctx.holdOpen(() => controller.abort(new RunnerError('bad_request', 'the client went away')));
        void verifyExercise(sandboxes, engine, exercise.id, exercise.spec, {
          onEvent: write,
          signal: controller.signal,
          solutionStepTimeoutMs: body.stepTimeoutSeconds * 1000,
          owner: body.owner,
        }).finally(() => {
          if (!ctx.res.writableEnded) ctx.res.end();
        });
        return { handled: true };
      },
    },
    {
      method: 'GET',
      path: '/v1/sandboxes/:id/workloads',
      auth: true,
      handler: async (ctx) => {
        const { owner } = query(OwnerQuery, ctx.url);
        const id = ctx.params.id ?? '';
        sandboxes.ready(id, owner);
        return { status: 200, json: await workloadSummary(await sandboxes.kubeClients(id)) };
      },
    },
    {
      method: 'POST',
      path: '/v1/sandboxes/:id/shell-tickets',
      auth: true,
      handler: async (ctx) => {
        const body = await ctx.body(ShellTicketBody);
        const id = ctx.params.id ?? '';
        sandboxes.ready(id, body.owner);
        const { ticket, expiresAt } = tickets.issue({ sandboxId: id, terminal: body.terminal });
        const url = `${deps.shellBaseUrl()}/v1/sandboxes/${encodeURIComponent(id)}/shell?ticket=${ticket}`;
        return { status: 201, json: { url, expiresAt: expiresAt.toISOString(), terminal: body.terminal } };
      },
    },
    {
      method: 'POST',
      path: '/v1/sandboxes/:id/previews',
      auth: true,
      handler: async (ctx) => {
        const { owner, ...target } = await ctx.body(PreviewBody);
        const id = ctx.params.id ?? '';
        sandboxes.ready(id, owner);
        const { url, expiresAt } = deps.previews.issue(id, owner, target);
        return { status: 201, json: { url, expiresAt: expiresAt.toISOString() } };
      },
    },
  ];
}
