import { imageMatches } from '@kubelab/exercise-format';
import type { V1Pod } from '@kubernetes/client-node';
import type { KindEvaluator } from '../check-context.js';
import { findPod, list, noPod, plural } from '../check-context.js';

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
  const problems: string[] = [];
  if (params.count !== undefined && specs.length !== params.count) {
    problems.push(`expected ${plural(params.count, 'container')}`);
  }
  if (params.names) {
    const missing = params.names.filter((n) => !names.includes(n));
    if (missing.length > 0) problems.push(`missing ${list(missing)}`);
  }
  for (const [name, image] of Object.entries(params.images ?? {})) {
    const actual = specs.find((c) => c.name === name)?.image;
    const pullFailure = pullFailureOf(pod, name);
    if (actual === undefined) problems.push(`no container ${name} for image ${image}`);
    else if (!imageMatches(image, actual)) problems.push(`${name} runs ${actual}; expected ${image}`);
    // `busybox` accepts any tag of busybox, but only one the node really has: `busybox:nope`
    // is a name the kubelet cannot pull, not busybox.
    else if (pullFailure) problems.push(`${name} runs ${actual}, which the node cannot pull (${pullFailure}); expected ${image}`);
  }
  if (params.command) {
    const expectation = params.command;
    const container = specs.find((c) => c.name === expectation.container);
    if (!container) problems.push(`no container ${expectation.container} to check the command of`);
    else {
      const argv = [...(container.command ?? []), ...(container.args ?? [])];
      const shown = argv.length > 0 ? JSON.stringify(argv) : 'the image default';
      if (expectation.argv && JSON.stringify(argv) !== JSON.stringify(expectation.argv)) {
        problems.push(`${expectation.container} runs ${shown}; expected ${JSON.stringify(expectation.argv)}`);
      }
      if (expectation.match && !new RegExp(expectation.match).test(argv.join(' '))) {
        problems.push(`${expectation.container} runs ${shown}; expected to match /${expectation.match}/`);
      }
    }
  }
  const found = `found ${plural(specs.length, 'container')}: ${list(names)}`;
  return { passed: problems.length === 0, observed: problems.length === 0 ? found : `${found}; ${problems.join('; ')}` };
};
