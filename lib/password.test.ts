import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyAgainstDummy, verifyPassword } from './password';

// Cheap parameters keep the suite fast; the default cost is exercised once below.
const FAST = { log2N: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery', FAST);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash and records its parameters', async () => {
    const a = await hashPassword('same password', FAST);
    const b = await hashPassword('same password', FAST);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('uses the cost recorded in the hash, not the current default', async () => {
    const old = await hashPassword('s3cret-old-cost', { log2N: 11, r: 4, p: 1 });
    expect(await verifyPassword('s3cret-old-cost', old)).toBe(true);
  });

  it('treats Unicode-equivalent passwords as equal (NFC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait', FAST);
    expect(await verifyPassword('cafe\u0301 au lait', hash)).toBe(true);
  });

  it('rejects malformed or tampered hashes without throwing', async () => {
    const hash = await hashPassword('pw-pw-pw-pw', FAST);
    expect(await verifyPassword('pw-pw-pw-pw', 'plain-text')).toBe(false);
    expect(await verifyPassword('pw-pw-pw-pw', hash.replace('scrypt$10', 'scrypt$40'))).toBe(false);
    const parts = hash.split('$');
    parts[5] = Buffer.alloc(32, 1).toString('base64');
    expect(await verifyPassword('pw-pw-pw-pw', parts.join('$'))).toBe(false);
  });

  it('hashes with the default (OWASP) cost and the dummy check takes comparable time', async () => {
    const hash = await hashPassword('default cost pw');
    expect(hash.startsWith('scrypt$15$8$3$')).toBe(true);
    // The work done, as this process's CPU time: wall-clock time also counts the waits for a
    // core, which on a loaded machine (another test file starting containers) can triple one
    // measurement and not the other.
    const cpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const t0 = cpuMs();
    expect(await verifyPassword('default cost pw', hash)).toBe(true);
    const real = cpuMs() - t0;
    await verifyAgainstDummy('warm up'); // first call also creates the dummy hash
    const t1 = cpuMs();
    expect(await verifyAgainstDummy('default cost pw')).toBe(false);
    const dummy = cpuMs() - t1;
    expect(dummy).toBeGreaterThan(real / 3);
  });

  it('generates distinct strong passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(a);
  });
});
