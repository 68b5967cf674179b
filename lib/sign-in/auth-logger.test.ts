import { AuthError, CredentialsSignin } from '@auth/core/errors';
import { describe, expect, it } from 'vitest';
import { logAuthError } from './auth-logger';

function sink() {
  const warns: string[] = [];
  const errors: unknown[][] = [];
  return { warns, errors, warn: (line: string) => warns.push(line), error: (...parts: unknown[]) => errors.push(parts) };
}

describe('logAuthError', () => {
  it('logs a refused sign-in as one warning line, no stack', () => {
    class Invalid extends CredentialsSignin {
      code = 'invalid';
    }
    const s = sink();
    logAuthError(new Invalid(), s);
    expect(s.warns).toEqual(['[auth] sign-in refused (invalid)']);
    expect(s.errors).toEqual([]);
  });

  it('logs any other error in full, with its cause and stack', () => {
    const s = sink();
    const root = new Error('database is locked');
    logAuthError(new AuthError('callback failed', { cause: { err: root, provider: 'credentials' } }), s);
    expect(s.warns).toEqual([]);
    expect(String(s.errors[0]?.[0])).toContain('callback failed');
    expect(s.errors[1]).toEqual(['[auth][cause]', root.stack]);
    expect(String(s.errors[2]?.[1])).toContain('"provider": "credentials"');
    const plain = sink();
    logAuthError(new Error('boom'), plain);
    expect(plain.errors[0]).toEqual(['[auth][error] Error: boom']);
    expect(String(plain.errors[1]?.[0])).toContain('auth-logger.test.ts');
  });
});
