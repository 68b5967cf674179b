import { PassThrough } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE, findPod, noPod } from '../check-context.js';

const EXEC_TIMEOUT_MS = 15_000;
const OUTPUT_CAP = 64 * 1024;

/** The exit code a Kubernetes exec status reports (0 on Success, the ExitCode cause otherwise). */
export function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message !== undefined ? Number(cause.message) : undefined;
}

export const exec: KindEvaluator<'exec'> = async (params, ctx) => {
  const namespace = params.namespace ?? DEFAULT_NAMESPACE;
  const pod = await findPod(ctx, params.pod, namespace);
  if (!pod) return noPod(ctx, params.pod, namespace);
  const running = pod.status?.containerStatuses?.find((s) => s.name === params.container)?.state?.running;
  if (!running) return { passed: false, observed: `container ${params.container} is not running` };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    if (out.length < OUTPUT_CAP) out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    if (err.length < OUTPUT_CAP) err += chunk.toString('utf8');
  });
  let socket: { close(): void } | undefined;
  const status = await new Promise<V1Status | string>((resolve) => {
    const timer = setTimeout(() => {
      socket?.close();
      resolve(`no answer within ${EXEC_TIMEOUT_MS / 1000} s`);
    }, EXEC_TIMEOUT_MS);
    ctx.clients.exec
      .exec(namespace, params.pod, params.container, params.command, stdout, stderr, null, false, (s) => {
        clearTimeout(timer);
        resolve(s);
      })
      .then((ws) => {
        socket = ws;
        ws.on('close', () => setTimeout(() => resolve('the exec stream closed without a status'), 200));
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        resolve(error instanceof Error ? error.message : String(error));
      });
  });
  if (typeof status === 'string') return { passed: false, observed: `exec of ${JSON.stringify(params.command)} failed: ${status}` };
  const exitCode = exitCodeOf(status);
  const problems: string[] = [];
  if (exitCode !== params.expectExitCode) problems.push(`exit code ${exitCode ?? 'unknown'}; expected ${params.expectExitCode}${status.message && exitCode === undefined ? ` (${status.message})` : ''}`);
  if (params.expectOutput !== undefined && !new RegExp(params.expectOutput, 'm').test(out)) problems.push(`output does not match /${params.expectOutput}/`);
  const shown = (out || err).trim().slice(0, 200);
  const summary = `${JSON.stringify(params.command)} exited ${exitCode ?? '?'}${shown ? `, output: "${shown}"` : ', no output'}`;
  return { passed: problems.length === 0, observed: problems.length === 0 ? summary : `${summary}; ${problems.join('; ')}` };
};
