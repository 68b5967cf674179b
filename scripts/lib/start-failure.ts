// How `npm start` ends when it cannot start: one line that says what failed and what to do,
// with the details (the error's stack, the step's output) in a log file the line names.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { EnvError } from '../../lib/env';

/** What to do about a failure, from what it was. */
function advice(error: unknown): { what: string; todo: string } {
  if (error instanceof EnvError) {
    return { what: `the environment is not valid: ${error.problems.join('; ')}`, todo: 'fix it in .env or the environment (see .env.example) and run npm start again' };
  }
  const message = (error as Error)?.message ?? String(error);
  if (/ENOENT .*(docker|podman)\.sock|no container engine/.test(message)) {
    return { what: `the container engine is not reachable (${message.split('\n')[0]})`, todo: 'run npm start as root so it can start Podman, or point DOCKER_HOST at a running engine' };
  }
  if (/EADDRINUSE|address already in use/.test(message)) {
    return { what: message.split('\n')[0] ?? message, todo: 'stop what uses the port or set PORT / RUNNER_PORT to free ones' };
  }
  return { what: message.split('\n')[0] ?? message, todo: 'read the details, fix the cause and run npm start again' };
}

/** Writes the details to `<logDir>/start.log` and prints the one line; returns the line. */
export function reportStartFailure(error: unknown, logDir: string): string {
  const file = path.join(logDir, 'start.log');
  let where = file;
  try {
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
    appendFileSync(file, `${new Date().toISOString()} npm start failed\n${(error as Error)?.stack ?? String(error)}\n\n`);
  } catch {
    where = '(no log file: the data directory is not writable)';
  }
  const { what, todo } = advice(error);
  const line = `[kubelab] npm start failed: ${what}; ${todo}. Details: ${where}`;
  process.stderr.write(`${line}\n`);
  return line;
}
