import type { KindEvaluator } from '../check-context.js';
import { plural } from '../check-context.js';

export const nodeFile: KindEvaluator<'nodeFile'> = async (params, ctx) => {
  const content = await ctx.readNodeFile(params.path);
  if (content === undefined) {
    return { passed: !params.exists, observed: `${params.path} does not exist on the node${params.exists ? '' : ' (as expected)'}` };
  }
  if (!params.exists) return { passed: false, observed: `${params.path} exists on the node; expected it not to` };
  const lines = content.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1);
  const problems: string[] = [];
  if (params.minLines !== undefined && lines.length < params.minLines) problems.push(`expected at least ${plural(params.minLines, 'line')}`);
  if (params.match !== undefined) {
    const pattern = new RegExp(params.match);
    if (!lines.some((line) => pattern.test(line))) problems.push(`no line matches /${params.match}/`);
  }
  const last = lines.at(-1);
  const summary = `${params.path} has ${plural(lines.length, 'line')}${last !== undefined ? `, last: "${last.slice(0, 120)}"` : ''}`;
  return { passed: problems.length === 0, observed: problems.length === 0 ? summary : `${summary}; ${problems.join('; ')}` };
};
