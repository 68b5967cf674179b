import type { KindEvaluator } from '../check-context.js';
import { counted, say, withProblems, type Said } from '../observed.js';

export const nodeFile: KindEvaluator<'nodeFile'> = async (params, ctx) => {
  const content = await ctx.readNodeFile(params.path);
  if (content === undefined) {
    return { passed: !params.exists, observed: say(`${params.path} does not exist on the node${params.exists ? '' : ' (as expected)'}`, `节点上没有 ${params.path}${params.exists ? '' : '（符合预期）'}`) };
  }
  if (!params.exists) return { passed: false, observed: say(`${params.path} exists on the node; expected it not to`, `节点上存在 ${params.path}，应当不存在`) };
  const lines = content.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1);
  const problems: Said[] = [];
  if (params.minLines !== undefined && lines.length < params.minLines) problems.push(say(`expected at least ${counted(params.minLines, 'line', '').en}`, `应至少有 ${params.minLines} 行`));
  if (params.match !== undefined) {
    const pattern = new RegExp(params.match);
    if (!lines.some((line) => pattern.test(line))) problems.push(say(`no line matches /${params.match}/`, `没有一行匹配 /${params.match}/`));
  }
  const last = lines.at(-1);
  const shownLast = last !== undefined ? last.slice(0, 120) : undefined;
  const summary = say(
    `${params.path} has ${counted(lines.length, 'line', '').en}${shownLast !== undefined ? `, last: "${shownLast}"` : ''}`,
    `${params.path} 有 ${lines.length} 行${shownLast !== undefined ? `，最后一行："${shownLast}"` : ''}`,
  );
  return { passed: problems.length === 0, observed: withProblems(summary, problems) };
};
