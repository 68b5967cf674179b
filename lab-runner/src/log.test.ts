import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

describe('createLogger', () => {
  it('writes one JSON line per event with level filtering and child fields', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (line) => lines.push(line), now: () => new Date(0) }, { service: 's' });
    log.debug('hidden');
    log.child({ sandbox: 'sb1' }).info('created', { ms: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', event: 'created', service: 's', sandbox: 'sb1', ms: 3 });
  });

  it('redacts credential-looking fields at any depth and flattens errors', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (line) => lines.push(line) });
    log.warn('x', { token: 'sekrit', nested: { authorization: 'Bearer sekrit', kubeconfig: 'sekrit' }, error: new Error('boom') });
    expect(lines[0]).not.toContain('sekrit');
    expect(JSON.parse(lines[0] ?? '').error).toEqual({ name: 'Error', message: 'boom' });
  });
});
