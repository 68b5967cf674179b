import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, waitForHttp } from './supervisor.js';

// Two real HTTP servers as child processes stand in for the web app and the runner.
const server = (port: number, onTerm = 'server.close(() => process.exit(0))') => ({
  command: process.execPath,
  args: ['-e', `const server = require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1'); process.on('SIGTERM', () => { ${onTerm} })`],
  env: process.env,
});

const alive = async (port: number) => {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
};

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
});

describe('Supervisor', () => {
  it('stops every process on stop() and resolves done with exit code 0', async () => {
    supervisor = new Supervisor();
    supervisor.start({ name: 'a', ...server(38511) });
    supervisor.start({ name: 'b', ...server(38512) });
    await waitForHttp('http://127.0.0.1:38511/', 10_000);
    await waitForHttp('http://127.0.0.1:38512/', 10_000);
    await supervisor.stop();
    await supervisor.stop(); // safe twice
    expect(await supervisor.done).toBe(0);
    expect(await alive(38511)).toBe(false);
    expect(await alive(38512)).toBe(false);
  });

  it('stops the others and exits non-zero when one process dies', async () => {
    supervisor = new Supervisor();
    supervisor.start({ name: 'stays', ...server(38513) });
    await waitForHttp('http://127.0.0.1:38513/', 10_000);
    supervisor.start({ name: 'dies', command: process.execPath, args: ['-e', 'process.exit(3)'], env: process.env });
    expect(await supervisor.done).toBe(1);
    expect(await alive(38513)).toBe(false);
  });

  it('kills a process that ignores SIGTERM after the timeout', async () => {
    supervisor = new Supervisor(500);
    supervisor.start({ name: 'stubborn', ...server(38514, '/* ignores SIGTERM */') });
    await waitForHttp('http://127.0.0.1:38514/', 10_000);
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(await alive(38514)).toBe(false);
  });
});
