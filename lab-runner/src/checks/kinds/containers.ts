import { imageMatches } from '@kubelab/exercise-format';
import type { V1Pod } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { findPod, noPod } from '../check-context.js';
import { counted, listed, say, withProblems, type Said } from '../observed.js';

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/** The kubelet's reason when the container's image could not be had, else undefined. */
function pullFailureOf(pod: V1Pod, container: string): string | undefined {
  const reason = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.waiting?.reason;
  return reason !== undefined && PULL_FAILURES.has(reason) ? reason : undefined;
}

export const containers: KindEvaluator<'containers'> = async (params, ctx) => {
  const pod = await findPod(ctx, params.pod, params.namespace);
  if (!pod) return noPod(ctx, params.pod, params.namespace);
  const specs = pod.spec?.containers ?? [];
  const names = specs.map((c) => c.name);
  const problems: Said[] = [];
  if (params.count !== undefined && specs.length !== params.count) {
    const want = counted(params.count, 'container', '个容器');
    problems.push(say(`expected ${want.en}`, `应有 ${want['zh-CN']}`));
  }
  if (params.names) {
    const missing = params.names.filter((n) => !names.includes(n));
    if (missing.length > 0) problems.push(say(`missing ${listed(missing).en}`, `缺少 ${listed(missing)['zh-CN']}`));
  }
  for (const [name, image] of Object.entries(params.images ?? {})) {
    const actual = specs.find((c) => c.name === name)?.image;
    const pullFailure = pullFailureOf(pod, name);
    if (actual === undefined) problems.push(say(`no container ${name} for image ${image}`, `没有运行镜像 ${image} 的容器 ${name}`));
    else if (!imageMatches(image, actual)) problems.push(say(`${name} runs ${actual}; expected ${image}`, `${name} 运行的是 ${actual}，应为 ${image}`));
    // `busybox` accepts any tag of busybox, but only one the node really has: `busybox:nope`
    // is a name the kubelet cannot pull, not busybox.
    else if (pullFailure) problems.push(say(`${name} runs ${actual}, which the node cannot pull (${pullFailure}); expected ${image}`, `${name} 运行的是 ${actual}，节点无法拉取该镜像（${pullFailure}），应为 ${image}`));
  }
  if (params.command) {
    const expectation = params.command;
    const container = specs.find((c) => c.name === expectation.container);
    if (!container) problems.push(say(`no container ${expectation.container} to check the command of`, `没有容器 ${expectation.container}，无法检查它的命令`));
    else {
      const argv = [...(container.command ?? []), ...(container.args ?? [])];
      const shown = argv.length > 0 ? say(JSON.stringify(argv), JSON.stringify(argv)) : say('the image default', '镜像的默认命令');
      if (expectation.argv && JSON.stringify(argv) !== JSON.stringify(expectation.argv)) {
        problems.push(say(`${expectation.container} runs ${shown.en}; expected ${JSON.stringify(expectation.argv)}`, `${expectation.container} 运行 ${shown['zh-CN']}，应为 ${JSON.stringify(expectation.argv)}`));
      }
      if (expectation.match && !new RegExp(expectation.match).test(argv.join(' '))) {
        problems.push(say(`${expectation.container} runs ${shown.en}; expected to match /${expectation.match}/`, `${expectation.container} 运行 ${shown['zh-CN']}，应匹配 /${expectation.match}/`));
      }
    }
  }
  const have = counted(specs.length, 'container', '个容器');
  const found = say(`found ${have.en}: ${listed(names).en}`, `找到 ${have['zh-CN']}：${listed(names)['zh-CN']}`);
  return { passed: problems.length === 0, observed: withProblems(found, problems) };
};
