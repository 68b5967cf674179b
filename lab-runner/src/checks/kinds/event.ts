import type { CoreV1Event } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { DEFAULT_NAMESPACE, list } from '../check-context.js';

export const event: KindEvaluator<'event'> = async (params, ctx) => {
  const namespace = params.namespace ?? DEFAULT_NAMESPACE;
  const events: CoreV1Event[] = (await ctx.clients.core.listNamespacedEvent({ namespace })).items;
  const about = events.filter((e) => e.involvedObject.name === params.involvedName && (e.involvedObject.kind ?? 'Pod') === params.involvedKind);
  const match = about.find((e) => e.reason === params.reason && (params.type === undefined || e.type === params.type));
  if (match) {
    return { passed: true, observed: `${match.type ?? ''} ${match.reason} x${match.count ?? 1}: ${match.message ?? ''}`.trim() };
  }
  const reasons = [...new Set(about.map((e) => e.reason ?? '?'))];
  return {
    passed: false,
    observed: `no ${params.type ? `${params.type} ` : ''}${params.reason} event for ${params.involvedKind.toLowerCase()} ${params.involvedName}; its events: ${list(reasons)}`,
  };
};
