// The lab-runner's HTTP API as the web app reads it (DESIGN.md "Runner HTTP API"), parsed by
// zod at the process boundary. Unknown extra fields are ignored so the runner can grow.
import { z } from 'zod';

export const sandboxStateSchema = z.enum(['provisioning', 'ready', 'deleting', 'deleted', 'failed']);
export type RunnerSandboxState = z.infer<typeof sandboxStateSchema>;

export const sandboxViewSchema = z.object({
  id: z.string().min(1),
  state: sandboxStateSchema,
  provider: z.string(),
  expiresAt: z.string(),
  createdAt: z.string().optional(),
  readyAt: z.string().nullable().optional(),
  lastActiveAt: z.string().optional(),
  idleExpiresAt: z.string().optional(),
  maxExpiresAt: z.string().optional(),
  history: z.array(z.object({ state: sandboxStateSchema, at: z.string() })).default([]),
  endReason: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type RunnerSandbox = z.infer<typeof sandboxViewSchema>;

/** GET /v1/fleet: every owned sandbox of the runner with what it uses now (the admins' view). */
export const fleetSchema = z.object({
  provider: z.string(),
  counts: z.record(z.string(), z.number()),
  sandboxes: z.array(
    sandboxViewSchema.extend({
      owner: z.string().nullable(),
      exercise: z.string().nullable().optional(),
      usage: z
        .object({ cpuSeconds: z.number(), cpuPercent: z.number().nullable(), memoryBytes: z.number(), memoryLimitBytes: z.number().nullable() })
        .nullable()
        .default(null),
    }),
  ),
});
export type RunnerFleet = z.infer<typeof fleetSchema>;

/** GET /healthz: "ok" while the runner serves. */
export const healthSchema = z.object({ status: z.literal('ok'), provider: z.string().optional() });

/** GET /v1/capacity: how many more learner sandboxes the runner takes (placement's figure). */
export const capacitySchema = z.object({
  provider: z.string(),
  maxSandboxes: z.number().int().min(0),
  used: z.number().int().min(0),
  free: z.number().int().min(0),
});
export type RunnerCapacity = z.infer<typeof capacitySchema>;

export const sandboxListSchema = z.object({ sandboxes: z.array(sandboxViewSchema.extend({ exercise: z.string().nullable().optional() })) });

const localized = z.object({ en: z.string(), 'zh-CN': z.string() });
/** A message is localised by the check engine; an older runner may send one string. */
const messageSchema = z.union([localized, z.string().transform((s) => ({ en: s, 'zh-CN': s }))]);

export const checkResultSchema = z.object({
  id: z.string(),
  passed: z.boolean(),
  message: messageSchema,
  points: z.number().int().min(0).optional(),
  maxPoints: z.number().int().min(0).optional(),
  observed: z.string().optional(),
  /** What the runner saw, in each locale (older runners send only `observed`). */
  observedText: localized.optional(),
  error: z.boolean().optional(),
});
export type RunnerCheckResult = z.infer<typeof checkResultSchema>;

export const checkRunSchema = z.object({
  passed: z.boolean(),
  results: z.array(checkResultSchema),
  points: z.number().int().min(0).optional(),
  maxPoints: z.number().int().min(0).optional(),
  ranAt: z.string().optional(),
});
export type RunnerCheckRun = z.infer<typeof checkRunSchema>;

export const shellTicketSchema = z.object({ url: z.string().regex(/^wss?:\/\//), expiresAt: z.string().optional() });

export const previewSchema = z.object({ url: z.string().regex(/^https?:\/\//), expiresAt: z.string() });

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const workloadsSchema = z.object({
  pods: z.array(
    z.object({
      namespace: z.string(),
      name: z.string(),
      phase: z.string(),
      reason: z.string().nullable().optional(),
      message: z.string().nullable().optional(),
      ready: z.boolean().optional(),
      deleting: z.boolean().optional(),
      ports: z.array(z.number().int()).optional(),
      containers: z.array(
        z.object({
          name: z.string(),
          image: z.string(),
          init: z.boolean().optional(),
          state: z.string(),
          reason: z.string().nullable(),
          ready: z.boolean(),
          restartCount: z.number().int(),
        }),
      ),
    }),
  ),
});
export type RunnerWorkloads = z.infer<typeof workloadsSchema>;
