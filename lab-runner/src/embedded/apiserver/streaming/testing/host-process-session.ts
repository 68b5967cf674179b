// Test double of the kubelet's StreamSession: a real child process on this host, with pipes.
// With a TTY requested, stderr is merged into stdout the way a terminal would; resizes are
// recorded (there is no real terminal to resize).

import { spawn } from 'node:child_process';
import type { StreamOptions, StreamSession, TerminalSize } from '../../../node-contract.js';

export function hostProcessSession(
  command: string[],
  options: StreamOptions,
  cwd: string,
  onResize: (size: TerminalSize) => void,
): StreamSession {
  // `exec "$@"` makes a missing command exit 127, as it does in a container.
  const script = options.tty ? 'exec "$@" 2>&1' : 'exec "$@"';
  const child = spawn('sh', ['-c', script, 'sh', ...command], {
    cwd,
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', options.stderr && !options.tty ? 'pipe' : 'ignore'],
  });
  let exited = false;
  const result = new Promise<{ exitCode: number } | { error: string }>((resolve) => {
    child.once('error', (error) => resolve({ error: error.message }));
    // 'exit', not 'close': as with a container runtime, the exec is over when its process
    // exits, even if a background child still holds stdout open.
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ exitCode: code ?? (signal ? 128 + 9 : 1) });
    });
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    resize: onResize,
    result,
    close: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
