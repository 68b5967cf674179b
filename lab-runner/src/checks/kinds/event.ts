import type { CoreV1Event } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE } from '../check-context.js';
import { listed, say } from '../observed.js';

export const event: KindEvaluator<'event'> = async (params, ctx) => {
  const namespace = params.namespace ?? DEFAULT_NAMESPACE;
  const events: CoreV1Event[] = (await ctx.clients.core.listNamespacedEvent({ namespace })).items;
  const about = events.filter((e) => e.involvedObject.name === params.involvedName && (e.involvedObject.kind ?? 'Pod') === params.involvedKind);
  const match = about.find((e) => e.reason === params.reason && (params.type === undefined || e.type === params.type));
  if (match) {
    const text = `${match.type ?? ''} ${match.reason} x${match.count ?? 1}: ${match.message ?? ''}`.trim();
    return { passed: true, observed: say(text, text) };
  }
  const reasons = [...new Set(about.map((e) => e.reason ?? '?'))];
  return {
    passed: false,
    observed: say(
      `no ${params.type ? `${params.type} ` : ''}${params.reason} event for ${params.involvedKind.toLowerCase()} ${params.involvedName}; its events: ${listed(reasons).en}`,
      `${params.involvedKind} ${params.involvedName} 没有 ${params.type ? `${params.type} ` : ''}${params.reason} 事件；它的事件：${listed(reasons)['zh-CN']}`,
    ),
  };
};
