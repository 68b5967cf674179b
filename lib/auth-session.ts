// Reads the signed-in user's id from next-auth's session cookie, as next-auth's own session
// endpoint would, for lib/authz.ts. `auth()` runs that whole endpoint per call: it builds a
// request, derives the key again (HKDF and a thumbprint), decrypts, then re-encrypts a refreshed
// cookie that a server component cannot even set. Here the key is derived once per secret and
// cookie name, and the token is only decrypted and its times checked. Sign-in, sign-out and cookie writing stay with
// next-auth (lib/auth.ts).
import { createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { resolveAuthSecret } from './secret-file';

// Fixed for the process once resolved: AUTH_SECRET, else the file generated on the first start.
// Resolving the file tries an exclusive create and then reads it, so it is not done per request.
let resolvedSecret: { from: string; secret: string } | undefined;

/** The session secret (lib/secret-file.ts), resolved again only when AUTH_SECRET or the data directory differ. */
export function sessionSecret(fromEnv: string | undefined, dataDir: string): string {
  const from = `${fromEnv ?? ''}\0${dataDir}`;
  if (resolvedSecret?.from !== from) resolvedSecret = { from, secret: resolveAuthSecret(fromEnv, dataDir) };
  return resolvedSecret.secret;
}

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

// next-auth encrypts the token as a compact JWE: key management "dir" with a key derived from
// the secret by HKDF (per cookie name), content encryption A256CBC-HS512 (RFC 7518 5.2.5). It is
// decrypted here with node:crypto, synchronously: through jose and WebCrypto each step is a
// separate async job, and that cost about 0.7 ms of CPU per request (measured with bench/pages.ts).
interface SessionKey {
  mac: Buffer;
  enc: Buffer;
  /**
   * Tokens this key opened, with their claims: a token's content never changes, so a learner's
   * every request need not decrypt it again. Only tokens that passed the tag are kept (nobody
   * without the key can fill this), and their times are checked on every use.
   */
  opened: Map<string, Record<string, unknown>>;
}
const keys = new Map<string, SessionKey>();
const MAX_OPENED_TOKENS = 10_000;

/** The key next-auth derives from the secret for one cookie name, split into its MAC and AES halves; derived once. */
function derivedKey(secret: string, salt: string): SessionKey {
  const id = `${salt}\0${secret}`;
  let key = keys.get(id);
  if (!key) {
    const bytes = Buffer.from(hkdfSync('sha256', secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    key = { mac: bytes.subarray(0, 32), enc: bytes.subarray(32), opened: new Map() };
    keys.set(id, key);
  }
  return key;
}

const CLOCK_TOLERANCE_SECONDS = 15; // as next-auth's decode

/** The payload of a next-auth session token, or null when it is not one made with this key or its time is out. */
function decryptSession(token: string, secret: string, salt: string): Record<string, unknown> | null {
  const key = derivedKey(secret, salt);
  let claims = key.opened.get(token);
  if (!claims) {
    const opened = openToken(token, key);
    if (!opened) return null;
    if (key.opened.size >= MAX_OPENED_TOKENS) key.opened.clear();
    key.opened.set(token, opened);
    claims = opened;
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now - CLOCK_TOLERANCE_SECONDS) return null;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + CLOCK_TOLERANCE_SECONDS)) return null;
  return claims;
}

/** The claims a token carries if it is a compact JWE as next-auth issues, made with `key`; else null. */
function openToken(token: string, key: SessionKey): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 5) return null;
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8')) as Record<string, unknown>;
  // Only what next-auth issues; "crit" or "zip" would ask for processing this reader does not do.
  if (header.alg !== 'dir' || header.enc !== 'A256CBC-HS512' || 'crit' in header || 'zip' in header || encryptedKey !== '') return null;
  const aad = Buffer.from(protectedHeader, 'ascii');
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length * 8));
  const ivBytes = Buffer.from(iv, 'base64url');
  const ciphertextBytes = Buffer.from(ciphertext, 'base64url');
  const expected = createHmac('sha512', key.mac).update(aad).update(ivBytes).update(ciphertextBytes).update(aadBits).digest().subarray(0, 32);
  const given = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== 16 || given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const decipher = createDecipheriv('aes-256-cbc', key.enc, ivBytes);
  const payload = JSON.parse(Buffer.concat([decipher.update(ciphertextBytes), decipher.final()]).toString('utf8')) as unknown;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  return payload as Record<string, unknown>;
}

/**
 * The user id (`sub`) of a session token encrypted by next-auth with `secret` under cookie name
 * `salt`; null when the token does not decrypt, is expired (15 s tolerance, as next-auth) or
 * names no user. A token made with another secret or for another cookie fails its tag.
 */
export function sessionUserId(token: string, secret: string, salt: string): string | null {
  try {
    const sub = decryptSession(token, secret, salt)?.sub;
    return typeof sub === 'string' && sub !== '' ? sub : null;
  } catch {
    return null; // not base64url, not JSON, bad padding: not a session
  }
}
