// The session cookie as next-auth writes it (its own encode, the secret and cookie name it uses)
// must read back to the same user here, and nothing else may: another secret, another cookie
// name, an expired or altered token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { describe, expect, it, vi } from 'vitest';
import { sessionCookieName, sessionSecret, sessionTokenFrom, sessionUserId, usesSecureCookies } from './auth-session';
import { AUTH_SECRET_FILE } from './secret-file';

const secret = 'a session secret of at least thirty-two characters';
const salt = sessionCookieName(false);

describe('session cookie', () => {
  it('reads the user id of a token next-auth encoded, again with the key kept', async () => {
    const token = await encode({ token: { sub: 'user-1', email: 'ana@example.test' }, secret, salt, maxAge: 3600 });
    expect(sessionUserId(token, secret, salt)).toBe('user-1');
    expect(sessionUserId(token, secret, salt)).toBe('user-1');
  });

  it('keeps a token it opened, and still refuses it once its time is out or under another key', async () => {
    const token = await encode({ token: { sub: 'user-2' }, secret, salt, maxAge: 60 });
    expect(sessionUserId(token, secret, salt)).toBe('user-2');
    expect(sessionUserId(token, `${secret}!`, salt)).toBeNull();
    // Past its expiry and next-auth's 15 s tolerance, the kept token is refused like a fresh one.
    vi.useFakeTimers({ now: Date.now() + 76_000, toFake: ['Date'] });
    try {
      expect(sessionUserId(token, secret, salt)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    expect(sessionUserId(token, secret, salt)).toBe('user-2');
  });

  it('refuses a token of another secret or another cookie name, an expired one, an altered one and no user', async () => {
    const token = await encode({ token: { sub: 'user-1' }, secret, salt, maxAge: 3600 });
    expect(sessionUserId(token, `${secret}!`, salt)).toBeNull();
    expect(sessionUserId(token, secret, sessionCookieName(true))).toBeNull();
    const expired = await encode({ token: { sub: 'user-1' }, secret, salt, maxAge: -60 });
    expect(sessionUserId(expired, secret, salt)).toBeNull();
    const parts = token.split('.');
    const ciphertext = parts[3]!;
    parts[3] = `${ciphertext[0] === 'A' ? 'B' : 'A'}${ciphertext.slice(1)}`;
    expect(sessionUserId(parts.join('.'), secret, salt)).toBeNull();
    expect(sessionUserId(await encode({ token: { email: 'x@example.test' }, secret, salt }), secret, salt)).toBeNull();
    // Only the authentication tag is wrong: the content itself would decrypt.
    const tagged = token.split('.');
    const tag = Buffer.from(tagged[4]!, 'base64url');
    tag.writeUInt8(tag.readUInt8(0) ^ 1, 0);
    tagged[4] = tag.toString('base64url');
    expect(sessionUserId(tagged.join('.'), secret, salt)).toBeNull();
    expect(sessionUserId('not a token', secret, salt)).toBeNull();
    expect(sessionUserId('a.b.c.d.e', secret, salt)).toBeNull();
    const [header, ...rest] = token.split('.');
    const gcm = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), enc: 'A256GCM' })).toString('base64url');
    expect(sessionUserId([gcm, ...rest].join('.'), secret, salt)).toBeNull();
  });

  it('joins a token split over numbered cookies in order and ignores other cookies', () => {
    const cookies = [
      { name: 'theme', value: 'dark' },
      { name: `${salt}.1`, value: 'BBB' },
      { name: `${salt}.0`, value: 'AAA' },
      { name: `${salt}.10`, value: 'CCC' },
    ];
    expect(sessionTokenFrom(cookies, salt)).toBe('AAABBBCCC');
    expect(sessionTokenFrom([{ name: salt, value: 'whole' }], salt)).toBe('whole');
    expect(sessionTokenFrom([{ name: 'theme', value: 'dark' }], salt)).toBeNull();
  });

  it('uses the secure cookie exactly when the site is served over https', () => {
    expect(usesSecureCookies('https://labs.example.test', 'http')).toBe(true);
    expect(usesSecureCookies('http://127.0.0.1:3000', 'https')).toBe(false);
    expect(usesSecureCookies(undefined, 'http')).toBe(false);
    expect(usesSecureCookies(undefined, null)).toBe(true);
    expect(sessionCookieName(true)).toBe('__Secure-authjs.session-token');
  });

  it('resolves the generated secret once, and again for another AUTH_SECRET or data directory', () => {
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-secret-')), fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-secret-'))];
    try {
      const generated = sessionSecret(undefined, dirs[0]!);
      expect(fs.readFileSync(path.join(dirs[0]!, AUTH_SECRET_FILE), 'utf8')).toBe(generated);
      // Kept: the file is not read again (a request would otherwise touch it every time).
      fs.rmSync(path.join(dirs[0]!, AUTH_SECRET_FILE));
      expect(sessionSecret(undefined, dirs[0]!)).toBe(generated);
      expect(sessionSecret(secret, dirs[0]!)).toBe(secret);
      const other = sessionSecret(undefined, dirs[1]!);
      expect(other).not.toBe(generated);
      expect(fs.readFileSync(path.join(dirs[1]!, AUTH_SECRET_FILE), 'utf8')).toBe(other);
    } finally {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
