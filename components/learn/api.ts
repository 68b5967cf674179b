// The browser's calls to the web app's learner API. Errors arrive as {error: {code, message}}.
import type { ApiErrorBody, CheckRunForBrowser, PodForBrowser, QuizResultForBrowser, SandboxForBrowser, SolutionForBrowser } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From a 429's Retry-After: whole minutes to wait, at least one. */
    readonly retryAfterMinutes?: number,
  ) {
    super(message);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const json = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (json as ApiErrorBody | null)?.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? response.statusText,
      retryAfter > 0 ? Math.max(1, Math.ceil(retryAfter / 60)) : undefined,
    );
  }
  return json as T;
}

export const learnerApi = {
  submitQuiz: (exercise: string, answers: Record<string, string[]>) =>
    call<QuizResultForBrowser>('POST', `/api/exercises/${encodeURIComponent(exercise)}/quiz`, { answers }),
  openSandbox: (exercise: string) => call<SandboxForBrowser>('POST', '/api/sandboxes', { exercise }),
  /** The runner's progress on the learner's newest sandbox for the exercise (while creating it). */
  progress: (exercise: string) =>
    call<{ state: SandboxForBrowser['state'] | null; createdAt?: string | null; history?: SandboxForBrowser['history'] }>(
      'GET',
      `/api/sandboxes?exercise=${encodeURIComponent(exercise)}`,
    ),
  sandbox: (id: string) => call<SandboxForBrowser>('GET', `/api/sandboxes/${id}`),
  deleteSandbox: (id: string) => call<{ id: string }>('DELETE', `/api/sandboxes/${id}`),
  extend: (id: string) => call<SandboxForBrowser>('POST', `/api/sandboxes/${id}/extend`),
  ticket: async (id: string, terminal: string) => (await call<{ url: string }>('POST', `/api/sandboxes/${id}/tickets`, { terminal })).url,
  preview: async (id: string, target: { namespace: string; pod: string; port: number }) =>
    (await call<{ url: string }>('POST', `/api/sandboxes/${id}/previews`, target)).url,
  pods: async (id: string) => (await call<{ pods: PodForBrowser[] }>('GET', `/api/sandboxes/${id}/pods`)).pods,
  check: (id: string) => call<CheckRunForBrowser>('POST', `/api/sandboxes/${id}/checks`),
  hint: (exercise: string, check: string, index: number) =>
    call<{ text: string }>('POST', `/api/exercises/${exercise}/reveals`, { kind: 'hint', check, index }),
  solution: (exercise: string) => call<SolutionForBrowser>('POST', `/api/exercises/${exercise}/reveals`, { kind: 'solution' }),
};
