// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, serve on a unix socket
// only (no TCP port at all), stop and delete afterwards. PostgreSQL refuses to run as root, so
// as root the server runs as the `postgres` user (runuser) with the temp dir handed to it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ThrowawayPostgres {
  url: string;
  stop(): void;
}

export function startThrowawayPostgres(): ThrowawayPostgres {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  if (asRoot) execFileSync('chown', ['postgres:', dir]);
  const data = path.join(dir, 'data');
  let started = false;
  const stop = () => {
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone: nothing to stop.
      }
      started = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    run('pg_ctl', [
      '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'),
      '-o', `-k ${dir} -c listen_addresses= -c fsync=off -p 5432`,
      'start',
    ]);
    started = true;
  } catch (e) {
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : '';
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    stop();
    throw new Error(`could not start a throwaway PostgreSQL: ${(e as Error).message}\n${stderr}\n${log}`);
  }
  return { url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`, stop };
}
