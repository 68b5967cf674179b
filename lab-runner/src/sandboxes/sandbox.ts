// A sandbox as the runner records it, and its wire shape. Wire types are separate from the
// record so nothing private (kubeconfigs, the exercise's solution) is ever serialised to clients.

import { randomBytes } from 'node:crypto';
import type { Exercise } from '@kubelab/exercise-format';

export type SandboxState = 'provisioning' | 'ready' | 'deleting' | 'deleted' | 'failed';

/** Why a sandbox went away. */
export type EndReason = 'deleted' | 'ended_by_admin' | 'idle_timeout' | 'max_lifetime' | 'create_failed' | 'create_aborted' | 'interrupted';

export interface SandboxRecord {
  id: string;
  /** Opaque owner id from the web app; null for a warm-pool sandbox nobody claimed yet. */
  owner: string | null;
  /** The exercise id, or null for a draft given as a whole spec, or for a warm-pool sandbox. */
  exerciseId: string | null;
  /** The exercise as applied (drafts are kept whole so checks grade against the same spec). */
  exercise: Exercise | null;
  provider: string;
  state: SandboxState;
  /** When each state was entered, in order. */
  history: { state: SandboxState; at: string }[];
  createdAt: string;
  /** When it was handed to its owner (claim time for a warm-pool sandbox). */
  assignedAt: string | null;
  lastActiveAt: string;
  endReason?: EndReason;
  error?: { code: string; message: string };
}

export interface SandboxTimeouts {
  idleSeconds: number;
  maxLifetimeSeconds: number;
}

/** When the sandbox expires: idle timeout from the last activity, capped by its maximum lifetime. */
export function expiryOf(record: SandboxRecord, timeouts: SandboxTimeouts): { expiresAt: Date; idleExpiresAt: Date; maxExpiresAt: Date } {
  const start = Date.parse(record.assignedAt ?? record.createdAt);
  const idleExpiresAt = new Date(Date.parse(record.lastActiveAt) + timeouts.idleSeconds * 1000);
  const maxExpiresAt = new Date(start + timeouts.maxLifetimeSeconds * 1000);
  return { expiresAt: idleExpiresAt < maxExpiresAt ? idleExpiresAt : maxExpiresAt, idleExpiresAt, maxExpiresAt };
}

/** The client-facing view of a sandbox. */
export interface SandboxView {
  id: string;
  state: SandboxState;
  provider: string;
  owner: string | null;
  exercise: string | null;
  createdAt: string;
  readyAt: string | null;
  /** The last activity (shell input, a check, an extend): the idle time is measured from it. */
  lastActiveAt: string;
  expiresAt: string;
  idleExpiresAt: string;
  maxExpiresAt: string;
  history: { state: SandboxState; at: string }[];
  endReason?: EndReason;
  error?: { code: string; message: string };
}

export function toView(record: SandboxRecord, timeouts: SandboxTimeouts): SandboxView {
  const expiry = expiryOf(record, timeouts);
  return {
    id: record.id,
    state: record.state,
    provider: record.provider,
    owner: record.owner,
    exercise: record.exerciseId ?? (record.exercise ? `draft:${record.exercise.id}` : null),
    createdAt: record.createdAt,
    // The latest: a sandbox from the warm pool was ready once for the pool and again for its owner.
    readyAt: record.history.findLast((h) => h.state === 'ready')?.at ?? null,
    lastActiveAt: record.lastActiveAt,
    expiresAt: expiry.expiresAt.toISOString(),
    idleExpiresAt: expiry.idleExpiresAt.toISOString(),
    maxExpiresAt: expiry.maxExpiresAt.toISOString(),
    history: record.history,
    ...(record.endReason ? { endReason: record.endReason } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh sandbox id: the runner's prefix plus 12 random lower-case characters (valid as a container name). */
export function newSandboxId(prefix: string): string {
  const bytes = randomBytes(12);
  let suffix = '';
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return `${prefix}${suffix}`;
}
