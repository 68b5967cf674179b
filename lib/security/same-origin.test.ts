import { describe, expect, it } from 'vitest';
import { checkOrigin, type OriginFacts } from './same-origin';

const base: OriginFacts = {
  method: 'POST',
  origin: 'http://127.0.0.1:3000',
  secFetchSite: 'same-origin',
  requestOrigin: 'http://127.0.0.1:3000',
  publicOrigin: 'https://lab.example.org',
};

describe('checkOrigin', () => {
  it('allows state changes from the app itself, at its public origin or the host it was addressed to', () => {
    expect(checkOrigin(base)).toEqual({ allowed: true });
    expect(checkOrigin({ ...base, origin: 'https://lab.example.org', requestOrigin: 'http://lab.example.org' })).toEqual({ allowed: true });
  });

  it('refuses a POST, PUT, PATCH or DELETE from another origin, including another port of the same host and a sandboxed frame', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'delete']) {
      for (const origin of ['http://evil.example', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000', 'null', 'http://lab.example.org']) {
        const decision = checkOrigin({ ...base, method, origin, secFetchSite: 'cross-site' });
        expect(decision.allowed, `${method} from ${origin}`).toBe(false);
      }
    }
  });

  it('lets reads through whatever their origin', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(checkOrigin({ ...base, method, origin: 'http://evil.example' }).allowed).toBe(true);
  });

  it('a request without Origin: refused when a browser marked it cross-site, else not a browser page', () => {
    expect(checkOrigin({ ...base, origin: null, secFetchSite: 'cross-site' }).allowed).toBe(false);
    expect(checkOrigin({ ...base, origin: null, secFetchSite: 'same-site' }).allowed).toBe(false);
    expect(checkOrigin({ ...base, origin: null, secFetchSite: 'same-origin' }).allowed).toBe(true);
    expect(checkOrigin({ ...base, origin: null, secFetchSite: null }).allowed).toBe(true);
  });
});
