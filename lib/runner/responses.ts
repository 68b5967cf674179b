// Route-handler answers for the learner API: one error shape ({error: {code, message}}) and
// the mapping of runner failures to HTTP statuses, in one place.
import { NextResponse } from 'next/server';
import type { SandboxForBrowser } from '@/components/learn/types';
import { RunnerClientError } from './client';
import type { RunnerSandbox } from './wire';

export function apiError(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });
}

export function apiJson(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

const STATUS_BY_RUNNER_CODE: Record<string, number> = {
  sandbox_not_found: 404,
  // The runner's own owner check failing means the row and the runner disagree: answer as for a missing sandbox.
  forbidden: 404,
  sandbox_not_ready: 409,
  owner_limit_reached: 429,
  at_capacity: 503,
  shutting_down: 503,
  runner_unreachable: 503,
  // The runner holding the sandbox is down: the sandbox is gone for now, the learner starts another.
  sandbox_lost: 410,
  exercise_not_found: 404,
  exercise_invalid: 422,
  setup_failed: 422,
};

/** A failed runner call as the browser sees it; anything unexpected is rethrown. */
export function runnerFailure(error: unknown): NextResponse {
  if (error instanceof RunnerClientError) {
    return apiError(STATUS_BY_RUNNER_CODE[error.code] ?? 502, error.code, error.message);
  }
  throw error;
}

export function sandboxForBrowser(id: string, view: RunnerSandbox): SandboxForBrowser {
  return {
    id,
    state: view.state,
    createdAt: view.createdAt ?? view.history[0]?.at ?? new Date().toISOString(),
    readyAt: view.readyAt ?? view.history.find((h) => h.state === 'ready')?.at ?? null,
    expiresAt: view.expiresAt,
    maxExpiresAt: view.maxExpiresAt ?? null,
    history: view.history,
    error: view.error ?? null,
    endReason: view.endReason ?? null,
  };
}
