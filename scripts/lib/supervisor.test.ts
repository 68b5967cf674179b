import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, waitForHttp } from './supervisor.js';

/**
 * A port nothing listens on now, from the kernel. Fixed ports (385xx) lie in the ephemeral range,
 * where any loopback connection of a test running beside this one may hold them as its local
 * port, and the child server would then fail to bind.
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

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
    const [a, b] = [await freePort(), await freePort()];
    supervisor = new Supervisor();
    supervisor.start({ name: 'a', ...server(a) });
    supervisor.start({ name: 'b', ...server(b) });
    await waitForHttp(`http://127.0.0.1:${a}/`, 10_000);
    await waitForHttp(`http://127.0.0.1:${b}/`, 10_000);
    await supervisor.stop();
    await supervisor.stop(); // safe twice
    expect(await supervisor.done).toBe(0);
    expect(await alive(a)).toBe(false);
    expect(await alive(b)).toBe(false);
  });

  it('stops the others and exits non-zero when one process dies', async () => {
    const port = await freePort();
    supervisor = new Supervisor();
    supervisor.start({ name: 'stays', ...server(port) });
    await waitForHttp(`http://127.0.0.1:${port}/`, 10_000);
    supervisor.start({ name: 'dies', command: process.execPath, args: ['-e', 'process.exit(3)'], env: process.env });
    expect(await supervisor.done).toBe(1);
    expect(await alive(port)).toBe(false);
  });

  it('kills a process that ignores SIGTERM after the timeout', async () => {
    const port = await freePort();
    supervisor = new Supervisor(500);
    supervisor.start({ name: 'stubborn', ...server(port, '/* ignores SIGTERM */') });
    await waitForHttp(`http://127.0.0.1:${port}/`, 10_000);
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(await alive(port)).toBe(false);
  });
});
