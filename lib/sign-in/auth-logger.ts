// next-auth's logger: an expected refusal (wrong password, unknown email, disabled account,
// throttled) is one concise warning line; every other error is logged in full, cause and stack,
// as next-auth's own logger would.
// @auth/core/errors is what next-auth re-exports; importing it directly keeps this module free of
// next-auth's Next.js runtime, so it loads in unit tests.
import { CredentialsSignin } from '@auth/core/errors';

export interface LogSink {
  warn(line: string): void;
  error(...parts: unknown[]): void;
}

export function logAuthError(error: Error, sink: LogSink = console): void {
  if (error instanceof CredentialsSignin || (error as { type?: unknown }).type === 'CredentialsSignin') {
    const code = (error as { code?: unknown }).code;
    sink.warn(`[auth] sign-in refused${typeof code === 'string' ? ` (${code})` : ''}`);
    return;
  }
  const name = (error as { type?: unknown }).type ?? error.name;
  sink.error(`[auth][error] ${String(name)}: ${error.message}`);
  const cause = error.cause;
  if (cause && typeof cause === 'object' && 'err' in cause && cause.err instanceof Error) {
    const { err, ...details } = cause as { err: Error } & Record<string, unknown>;
    sink.error('[auth][cause]', err.stack ?? err.message);
    if (Object.keys(details).length > 0) sink.error('[auth][details]', JSON.stringify(details, null, 2));
  } else if (error.stack) {
    sink.error(error.stack);
  }
}
