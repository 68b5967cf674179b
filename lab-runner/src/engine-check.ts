// Whether the container engine answers, said in one line when it does not: every command
// that needs Podman's Docker API (the runner, `npm run cluster`, `npm run exercises:verify`)
// checks it first instead of failing later with a bare `connect ENOENT`.

import { request } from 'node:http';

export const DEFAULT_ENGINE_SOCKET = '/run/kubelab/podman.sock';

/** The engine's socket path: DOCKER_HOST when it is a unix:// address, else Kubelab's own. */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : DEFAULT_ENGINE_SOCKET;
}

/** Resolves when `GET /_ping` on the socket answers OK; rejects with why not. */
export function pingEngine(socketPath: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`it answered HTTP ${res.statusCode} ${body.trim().slice(0, 200)}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? 'the socket does not exist' : error.code === 'ECONNREFUSED' ? 'nothing listens on it' : error.message)),
    );
    req.end();
  });
}

/** The one line that says the engine is missing and how to get it. */
export function engineMissingLine(command: string, socketPath: string, reason: string): string {
  return `${command}: no container engine at ${socketPath} (${reason}); start it with \`npm start\` (it installs and starts Podman's API service there) or point DOCKER_HOST at a running one`;
}

/** Checks the engine; when it does not answer, prints the one line and exits with 1. */
export async function requireEngine(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const socketPath = engineSocket(env);
  try {
    await pingEngine(socketPath);
  } catch (error) {
    process.stderr.write(`${engineMissingLine(command, socketPath, (error as Error).message)}\n`);
    process.exit(1);
  }
  return socketPath;
}
