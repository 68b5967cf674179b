import { apiMessage, apiStatus } from '../kube-clients.js';
import type { CheckContext, KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE, findPod, noPod } from '../check-context.js';
import { counted, say, withProblems, type Said } from '../observed.js';

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
  if (typeof first === 'string') return { passed: false, observed: say(`cannot read the logs of ${params.container}: ${first}`, `无法读取 ${params.container} 的日志：${first}`) };
  const problems: Said[] = [];
  if (params.minLines !== undefined && first.length < params.minLines) problems.push(say(`expected at least ${counted(params.minLines, 'line', '').en}`, `应至少有 ${params.minLines} 行`));
  if (params.match !== undefined) {
    const pattern = new RegExp(params.match);
    if (!first.some((line) => pattern.test(line))) problems.push(say(`no line matches /${params.match}/`, `没有一行匹配 /${params.match}/`));
  }
  let growth = say('', '');
  if (params.grows) {
    await sleep(params.grows.windowSeconds * 1000, ctx.signal);
    const second = await readLog(ctx, params.pod, namespace, params.container, params.previous ?? false);
    const gained = typeof second === 'string' ? 0 : second.length - first.length;
    const seconds = params.grows.windowSeconds;
    growth = say(
      `; ${gained > 0 ? `gained ${counted(gained, 'line', '').en}` : 'gained no lines'} in ${seconds} s`,
      `；${seconds} 秒内${gained > 0 ? `新增 ${gained} 行` : '没有新增日志'}`,
    );
    if (gained <= 0) problems.push(say(`expected new lines within ${seconds} s`, `应在 ${seconds} 秒内有新日志`));
  }
  const last = first.at(-1);
  const shownLast = last !== undefined ? last.slice(0, 120) : undefined;
  const summary = say(
    `${counted(first.length, 'log line', '').en}${shownLast !== undefined ? `, last: "${shownLast}"` : ''}${growth.en}`,
    `${first.length} 行日志${shownLast !== undefined ? `，最后一行："${shownLast}"` : ''}${growth['zh-CN']}`,
  );
  return { passed: problems.length === 0, observed: withProblems(summary, problems) };
};
