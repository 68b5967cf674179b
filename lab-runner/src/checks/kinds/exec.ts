import { PassThrough } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE, findPod, noPod } from '../check-context.js';
import { say, withProblems, type Said } from '../observed.js';

const EXEC_TIMEOUT_MS = 15_000;
const OUTPUT_CAP = 64 * 1024;

/** The exit code a Kubernetes exec status reports (0 on Success, the ExitCode cause otherwise). */
function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message !== undefined ? Number(cause.message) : undefined;
}

export const exec: KindEvaluator<'exec'> = async (params, ctx) => {
  const namespace = params.namespace ?? DEFAULT_NAMESPACE;
  const pod = await findPod(ctx, params.pod, namespace);
  if (!pod) return noPod(ctx, params.pod, namespace);
  const running = pod.status?.containerStatuses?.find((s) => s.name === params.container)?.state?.running;
  if (!running) return { passed: false, observed: say(`container ${params.container} is not running`, `容器 ${params.container} 没有在运行`) };
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
  if (typeof status === 'string') return { passed: false, observed: say(`exec of ${JSON.stringify(params.command)} failed: ${status}`, `执行 ${JSON.stringify(params.command)} 失败：${status}`) };
  const exitCode = exitCodeOf(status);
  const problems: Said[] = [];
  if (exitCode !== params.expectExitCode) {
    const why = status.message && exitCode === undefined ? ` (${status.message})` : '';
    problems.push(say(`exit code ${exitCode ?? 'unknown'}; expected ${params.expectExitCode}${why}`, `退出码 ${exitCode ?? '未知'}，应为 ${params.expectExitCode}${why}`));
  }
  if (params.expectOutput !== undefined && !new RegExp(params.expectOutput, 'm').test(out)) problems.push(say(`output does not match /${params.expectOutput}/`, `输出不匹配 /${params.expectOutput}/`));
  const shown = (out || err).trim().slice(0, 200);
  const summary = say(
    `${JSON.stringify(params.command)} exited ${exitCode ?? '?'}${shown ? `, output: "${shown}"` : ', no output'}`,
    `${JSON.stringify(params.command)} 退出码 ${exitCode ?? '?'}${shown ? `，输出："${shown}"` : '，没有输出'}`,
  );
  return { passed: problems.length === 0, observed: withProblems(summary, problems) };
};
