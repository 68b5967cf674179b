// The session cookie as next-auth writes it (its own encode, the secret and cookie name it uses)
// must read back to the same user here, and nothing else may: another secret, another cookie
// name, an expired or altered token.
import { encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { sessionCookieName, sessionTokenFrom, sessionUserId, usesSecureCookies } from './auth-session';

const secret = 'a session secret of at least thirty-two characters';
const salt = sessionCookieName(false);

describe('session cookie', () => {
  it('reads the user id of a token next-auth encoded, again with the key kept', async () => {
    const token = await encode({ token: { sub: 'user-1', email: 'ana@example.test' }, secret, salt, maxAge: 3600 });
    expect(sessionUserId(token, secret, salt)).toBe('user-1');
    expect(sessionUserId(token, secret, salt)).toBe('user-1');
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
});
