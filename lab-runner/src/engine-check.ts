// Whether the container engine answers, said in one line when it does not: every command
// that needs the engine's Docker API (the runner, `npm run cluster`, `npm run exercises:verify`)
// checks it first instead of failing later with a bare `connect ENOENT`. The runner also checks
// that the engine answering is the one it is configured for (RUNNER_ENGINE).

import { request } from 'node:http';
import { DEFAULT_ENGINE_SOCKETS, ENGINE_START_HINTS, ENGINE_TITLES, profileFromVersion, type EngineName } from './engines/profile.js';

const DEFAULT_ENGINE_SOCKET = DEFAULT_ENGINE_SOCKETS.podman;

/** The engine's socket path: DOCKER_HOST when it is a unix:// address, else Kubelab's own. */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : DEFAULT_ENGINE_SOCKET;
}

/** GETs `path` on the engine's socket; resolves with the body of a 200, rejects with why not. */
function getEngine(socketPath: string, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`it answered HTTP ${res.statusCode} ${body.trim().slice(0, 200)}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? 'the socket does not exist' : error.code === 'ECONNREFUSED' ? 'nothing listens on it' : error.message)),
    );
    req.end();
  });
}

/** Resolves when `GET /_ping` on the socket answers OK; rejects with why not. */
export async function pingEngine(socketPath: string, timeoutMs = 10_000): Promise<void> {
  await getEngine(socketPath, '/_ping', timeoutMs);
}

/** Which engine answers on the socket (from its `GET /version`). */
export async function identifyEngine(socketPath: string, timeoutMs = 10_000): Promise<EngineName> {
  return profileFromVersion(JSON.parse(await getEngine(socketPath, '/version', timeoutMs))).name;
}

/** The one line that says the engine is missing and how to get it. */
export function engineMissingLine(command: string, socketPath: string, reason: string, engine: EngineName = 'podman'): string {
  // Podman's wording stays the general one: it is the default, and what most operators meet.
  const what = engine === 'podman' ? 'no container engine' : 'no Docker Engine';
  return `${command}: ${what} at ${socketPath} (${reason}); ${ENGINE_START_HINTS[engine]} or point DOCKER_HOST at a running one`;
}

/** The one line that says the socket answers as the other engine. */
function engineMismatchLine(command: string, socketPath: string, wanted: EngineName, found: EngineName): string {
  return `${command}: RUNNER_ENGINE is ${wanted} but ${socketPath} answers as ${ENGINE_TITLES[found]}; point DOCKER_HOST at ${ENGINE_TITLES[wanted]}'s socket (unset, it is ${DEFAULT_ENGINE_SOCKETS[wanted]}) or set RUNNER_ENGINE=${found}`;
}

/**
 * Checks the engine; when it does not answer, or (with `engine`) answers as the other engine,
 * prints the one line and exits with 1.
 */
export async function requireEngine(command: string, env: NodeJS.ProcessEnv = process.env, engine?: EngineName): Promise<string> {
  const socketPath = engineSocket(env);
  let found: EngineName | undefined;
  try {
    await pingEngine(socketPath);
    if (engine) found = await identifyEngine(socketPath);
  } catch (error) {
    process.stderr.write(`${engineMissingLine(command, socketPath, (error as Error).message, engine)}\n`);
    process.exit(1);
  }
  if (engine && found !== engine) {
    process.stderr.write(`${engineMismatchLine(command, socketPath, engine, found ?? 'podman')}\n`);
    process.exit(1);
  }
  return socketPath;
}
