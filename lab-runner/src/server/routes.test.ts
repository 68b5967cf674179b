// Route matching: parameters are percent-decoded, and a malformed escape is a 404, never a 500.

import { describe, expect, it } from 'vitest';
import { RunnerError } from '../errors.js';
import { compileRoute, decodePathSegment, matchRoute } from './routes.js';

const routes = [compileRoute({ method: 'GET', path: '/v1/sandboxes/:id', auth: true, handler: () => ({ status: 200, json: {} }) })];

describe('matchRoute', () => {
  it('decodes parameters', () => {
    expect(matchRoute(routes, 'GET', '/v1/sandboxes/a%2Db').params).toEqual({ id: 'a-b' });
  });

  it('answers a malformed percent-escape with not_found (the fuzzer found it answered 500)', () => {
    for (const segment of ['%E0%A4%A', '%zz', '%', '%C0%AF']) {
      const attempt = () => matchRoute(routes, 'GET', `/v1/sandboxes/${segment}`);
      expect(attempt).toThrow(RunnerError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'not_found' }));
      expect(() => decodePathSegment(segment)).toThrow(expect.objectContaining({ code: 'not_found' }));
    }
  });
});
