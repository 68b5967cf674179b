// The runner's one error type. Every failure a client can see carries a stable string code;
// the code decides the HTTP status in exactly one place (STATUS_BY_CODE).

export const STATUS_BY_CODE = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  sandbox_not_found: 404,
  exercise_not_found: 404,
  method_not_allowed: 405,
  sandbox_not_ready: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  exercise_invalid: 422,
  setup_failed: 422,
  owner_limit_reached: 429,
  provider_failed: 502,
  at_capacity: 503,
  shutting_down: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class RunnerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunnerError';
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Any thrown value as a RunnerError; unknown failures become `internal` without leaking their text. */
export function asRunnerError(error: unknown): RunnerError {
  if (error instanceof RunnerError) return error;
  return new RunnerError('internal', 'internal error', undefined, { cause: error });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
