// Reads the signed-in user's id from next-auth's session cookie, as next-auth's own session
// endpoint would, for lib/authz.ts. `auth()` runs that whole endpoint per call: it builds a
// request, derives the key again (HKDF and a thumbprint), decrypts, then re-encrypts a refreshed
// cookie that a server component cannot even set. Here the key is derived once per secret and
// cookie name, and the token is only decrypted. Sign-in, sign-out and cookie writing stay with
// next-auth (lib/auth.ts).
import { hkdfSync } from 'node:crypto';
import { jwtDecrypt } from 'jose';

/** The cookie next-auth keeps the session in: `__Secure-` prefixed when the site is served over https. */
export function sessionCookieName(secure: boolean): string {
  return `${secure ? '__Secure-' : ''}authjs.session-token`;
}

/**
 * Whether next-auth uses secure cookies for this request: the public URL's scheme (AUTH_URL) when
 * configured, else the forwarded scheme, defaulting to https (createActionURL in @auth/core).
 */
export function usesSecureCookies(authUrl: string | undefined, forwardedProto: string | null): boolean {
  if (authUrl) return new URL(authUrl).protocol === 'https:';
  return (forwardedProto ?? 'https').replace(/:$/, '') === 'https';
}

/**
 * The session token from the request's cookies: next-auth splits a long token over `<name>.0`,
 * `<name>.1`, ... and joins every cookie starting with the name in suffix order (SessionStore).
 */
export function sessionTokenFrom(cookies: Iterable<{ name: string; value: string }>, name: string): string | null {
  const chunks: { suffix: number; value: string }[] = [];
  for (const cookie of cookies) {
    if (!cookie.name.startsWith(name) || !cookie.value) continue;
    chunks.push({ suffix: parseInt(cookie.name.split('.').pop() || '0') || 0, value: cookie.value });
  }
  if (chunks.length === 0) return null;
  return chunks
    .sort((a, b) => a.suffix - b.suffix)
    .map((c) => c.value)
    .join('');
}

// next-auth encrypts with A256CBC-HS512 (a 64-byte key) and reads A256GCM (32 bytes) too.
const KEY_LENGTH: Record<string, number> = { 'A256CBC-HS512': 64, A256GCM: 32 };
const keys = new Map<string, Uint8Array>();

/** The key next-auth derives from the secret for one cookie name and encryption: HKDF, computed once. */
function derivedKey(secret: string, salt: string, enc: string): Uint8Array {
  const length = KEY_LENGTH[enc];
  if (!length) throw new Error(`unsupported session encryption ${enc}`);
  const id = `${enc}\0${salt}\0${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', secret, salt, `Auth.js Generated Encryption Key (${salt})`, length));
    keys.set(id, key);
  }
  return key;
}

/**
 * The user id (`sub`) of a session token encrypted by next-auth with `secret` under cookie name
 * `salt`; null when the token does not decrypt, is expired (15 s tolerance, as next-auth) or
 * names no user. Tokens carry a key thumbprint (`kid`) but there is one secret, so it is not needed
 * to pick the key: a token made with another key fails its authentication tag.
 */
export async function sessionUserId(token: string, secret: string, salt: string): Promise<string | null> {
  try {
    const { payload } = await jwtDecrypt(token, ({ enc }) => derivedKey(secret, salt, enc), {
      clockTolerance: 15,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256CBC-HS512', 'A256GCM'],
    });
    return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
  } catch {
    return null;
  }
}
