import { apiMessage, apiStatus } from '../kube-clients.js';
import type { CheckContext, KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE, findPod, noPod, plural } from '../check-context.js';

async function readLog(ctx: CheckContext, pod: string, namespace: string, container: string, previous: boolean): Promise<string[] | string> {
  try {
    const text = await ctx.clients.core.readNamespacedPodLog({ name: pod, namespace, container, previous });
    return text.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1);
  } catch (error) {
    if (apiStatus(error) !== undefined) return apiMessage(error);
    throw error;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

export const logs: KindEvaluator<'logs'> = async (params, ctx) => {
  const namespace = params.namespace ?? DEFAULT_NAMESPACE;
  if (!(await findPod(ctx, params.pod, namespace))) return noPod(ctx, params.pod, namespace);
  const first = await readLog(ctx, params.pod, namespace, params.container, params.previous ?? false);
  if (typeof first === 'string') return { passed: false, observed: `cannot read the logs of ${params.container}: ${first}` };
  const problems: string[] = [];
  if (params.minLines !== undefined && first.length < params.minLines) problems.push(`expected at least ${plural(params.minLines, 'line')}`);
  if (params.match !== undefined) {
    const pattern = new RegExp(params.match);
    if (!first.some((line) => pattern.test(line))) problems.push(`no line matches /${params.match}/`);
  }
  let growth = '';
  if (params.grows) {
    await sleep(params.grows.windowSeconds * 1000, ctx.signal);
    const second = await readLog(ctx, params.pod, namespace, params.container, params.previous ?? false);
    const gained = typeof second === 'string' ? 0 : second.length - first.length;
    growth = `; ${gained > 0 ? `gained ${plural(gained, 'line')}` : 'gained no lines'} in ${params.grows.windowSeconds} s`;
    if (gained <= 0) problems.push(`expected new lines within ${params.grows.windowSeconds} s`);
  }
  const last = first.at(-1);
  const summary = `${plural(first.length, 'log line')}${last !== undefined ? `, last: "${last.slice(0, 120)}"` : ''}${growth}`;
  return { passed: problems.length === 0, observed: problems.length === 0 ? summary : `${summary}; ${problems.join('; ')}` };
};
