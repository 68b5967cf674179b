// Runs the built web app (`next build`) on PORT at WEB_HOST (default 127.0.0.1) behind the
// front server, which gives the app the real client address (lib/client-address.ts). This is
// what `npm start` runs instead of `next start`. SIGTERM/SIGINT: stop accepting, let requests
// in flight finish (at most 10 s), exit.
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { markFrontServer, parseTrustedProxies, TrustedProxiesError } from '../lib/client-address';
import { createFrontServer } from './lib/front-server.js';
import { repoRoot } from './lib/paths.js';

let trusted;
try {
  trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES);
} catch (error) {
  if (!(error instanceof TrustedProxiesError)) throw error;
  console.error(`[web] the environment is not valid:\n  - ${error.message}`);
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.WEB_HOST ?? '127.0.0.1';

markFrontServer();
const app = loadNext()({ dev: false, dir: repoRoot, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
const server = createFrontServer((req, res) => handle(req, res), trusted);
try {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
} catch (error) {
  // Next's own uncaughtException handler would log this and keep an idle process alive.
  console.error(`[web] cannot listen on ${hostname}:${port}: ${(error as Error).message}`);
  process.exit(1);
}
console.log(`web app on http://${hostname}:${port}${trusted.entries.length ? ` (trusted proxies: ${trusted.entries.join(', ')})` : ''}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  server.close(() => {
    void app.close().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Next's server, through require: importing the 'next' package's types would also bring its
 * global augmentation (NODE_ENV becomes required in every ProcessEnv) into all of scripts/.
 */
function loadNext(): (options: { dev: boolean; dir: string; hostname: string; port: number }) => NextApp {
  return createRequire(import.meta.url)('next') as (options: { dev: boolean; dir: string; hostname: string; port: number }) => NextApp;
}
