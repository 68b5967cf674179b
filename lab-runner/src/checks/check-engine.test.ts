// Every check kind against a real embedded cluster: a passing and a failing case each, with
// what the engine observed, so a learner's message says what is wrong.

import { checkSpecSchema, type CheckSpec } from '@kubelab/exercise-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { DRAFT_EXERCISE, RunnerFixture } from '../server/testing/runner-fixture.js';
import type { CheckContext } from './check-context.js';
import { CheckEngine, type CheckResult } from './check-engine.js';

const PODS = `
apiVersion: v1
kind: Pod
metadata: { name: multi }
spec:
  volumes:
  - { name: shared, emptyDir: {} }
  - { name: host, hostPath: { path: /var/log/multi, type: DirectoryOrCreate } }
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'echo hello-from-app; echo data > /data/x; i=0; while true; do echo "tick $i" >> /var/log/multi/out.log; echo "tick $i"; i=$((i+1)); sleep 1; done']
    volumeMounts: [{ name: shared, mountPath: /data }, { name: host, mountPath: /var/log/multi }]
  - name: side
    image: busybox:1.36
    args: [sleep, '3600']
    volumeMounts: [{ name: shared, mountPath: /shared, readOnly: true }]
---
apiVersion: v1
kind: Pod
metadata: { name: crasher }
spec:
  containers:
  - { name: app, image: busybox, command: [sh, -c, 'exit 1'] }
---
apiVersion: v1
kind: Pod
metadata: { name: badtag }
spec:
  containers:
  - { name: app, image: 'busybox:nope', command: [sleep, '3600'] }
---
apiVersion: v1
kind: Namespace
metadata: { name: team }
---
apiVersion: v1
kind: Pod
metadata: { name: stray, namespace: team }
spec:
  containers:
  - { name: app, image: busybox, command: [sleep, '3600'] }
`;

let fixture: RunnerFixture;
let context: CheckContext;
const engine = new CheckEngine({ metrics: createMetrics({ defaultMetrics: false }), logger: silentLogger });

function spec(kind: string, params: Record<string, unknown>): CheckSpec {
  return checkSpecSchema.parse({
    id: `${kind.toLowerCase()}-check`,
    kind,
    params,
    title: { 'zh-CN': '检查', en: 'Check' },
    failureMessage: { 'zh-CN': '失败：{observed}', en: 'Failed: {observed}' },
    hints: [{ 'zh-CN': '提示', en: 'Hint' }],
  });
}

async function check(kind: string, params: Record<string, unknown>): Promise<CheckResult> {
  return engine.runOne(spec(kind, params), context);
}

async function eventually(kind: string, params: Record<string, unknown>, timeoutMs = 60_000): Promise<CheckResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check(kind, params);
    if (result.passed || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  fixture = await RunnerFixture.start();
  const sandbox = await fixture.createSandbox('checker', { ...DRAFT_EXERCISE, setup: { manifests: [PODS] } });
  const service = fixture.runner.sandboxes!;
  const clients = await service.kubeClients(sandbox.id);
  context = { clients, readNodeFile: (path) => service.provider.readNodeFile(sandbox.id, path) };
  const ready = await eventually('podReady', { pod: 'multi' });
  expect(ready.passed).toBe(true);
  // Ready means the containers started, not that app's script has run its first lines (the
  // greeting and /data/x that the logs and exec cases read): wait for its first tick.
  const running = await eventually('logs', { pod: 'multi', container: 'app', match: '^tick 0$' });
  expect(running.passed).toBe(true);
});

afterAll(async () => {
  await fixture?.destroy();
});

describe('check kinds on a real cluster', () => {
  it('podExists, podPhase, podReady', async () => {
    expect((await check('podExists', { pod: 'multi' })).passed).toBe(true);
    const missing = await check('podExists', { pod: 'nope' });
    expect(missing).toMatchObject({ passed: false, points: 0, observed: 'no pod "nope" in namespace default' });
    expect(missing.message.en).toBe('Failed: no pod "nope" in namespace default');
    const stray = await check('podExists', { pod: 'stray' });
    expect(stray).toMatchObject({ passed: false, observed: 'no pod "stray" in namespace default; found one in namespace team' });
    expect((await check('podExists', { pod: 'stray', namespace: 'team' })).passed).toBe(true);
    expect((await check('podPhase', { pod: 'multi', phase: 'Running' })).passed).toBe(true);
    expect((await check('podPhase', { pod: 'multi', phase: 'Succeeded' })).observed).toBe('phase Running; expected Succeeded');
    expect((await check('podReady', { pod: 'multi' })).observed).toMatch(/^Ready=True/);
  });

  it('containers: count, names, images and command', async () => {
    const ok = await check('containers', { pod: 'multi', count: 2, names: ['app', 'side'], images: { app: 'busybox', side: 'busybox:1.36' }, command: { container: 'side', argv: ['sleep', '3600'] } });
    expect(ok).toMatchObject({ passed: true, observed: 'found 2 containers: app, side' });
    const wrong = await check('containers', { pod: 'multi', count: 3, names: ['proxy'], images: { side: 'busybox:1.35' }, command: { container: 'app', match: '^nginx' } });
    expect(wrong.passed).toBe(false);
    expect(wrong.observed).toContain('found 2 containers: app, side; expected 3 containers; missing proxy; side runs busybox:1.36; expected busybox:1.35');
    expect(wrong.observed).toContain('expected to match /^nginx/');
  });

  it('says what it saw in Chinese to a Chinese reader, with Chinese punctuation and the cluster\'s own names', async () => {
    const stray = await check('podExists', { pod: 'stray' });
    expect(stray.observedText['zh-CN']).toBe('命名空间 default 中没有 Pod "stray"；但在命名空间 team 中有一个');
    expect(stray.message['zh-CN']).toBe('失败：命名空间 default 中没有 Pod "stray"；但在命名空间 team 中有一个');
    expect(stray.observedText.en).toBe(stray.observed);
    const phase = await check('podPhase', { pod: 'multi', phase: 'Succeeded' });
    expect(phase.message['zh-CN']).toBe('失败：阶段为 Running，应为 Succeeded');
    const wrong = await check('containers', { pod: 'multi', count: 3, names: ['proxy'], images: { side: 'busybox:1.35' } });
    expect(wrong.observedText['zh-CN']).toBe('找到 2 个容器：app、side；应有 3 个容器；缺少 proxy；side 运行的是 busybox:1.36，应为 busybox:1.35');
    const quiet = await check('logs', { pod: 'multi', container: 'side', minLines: 1 });
    expect(quiet.observedText['zh-CN']).toBe('0 行日志；应至少有 1 行');
    // No English sentence is left in what a Chinese reader sees.
    for (const result of [stray, phase, wrong, quiet]) expect(result.message['zh-CN']).not.toMatch(/\b(expected|found|missing|runs|no pod)\b|; /);
  });

  it('containers: an untagged image accepts only tags the node can pull', async () => {
    const pulled = await eventually('podPhase', { pod: 'badtag', phase: 'Pending' });
    expect(pulled.passed).toBe(true);
    const bad = await eventually('jsonPath', { name: 'badtag', path: '{.status.containerStatuses[0].state.waiting.reason}', matches: '^(ErrImagePull|ImagePullBackOff)$' });
    expect(bad.passed).toBe(true);
    const result = await check('containers', { pod: 'badtag', images: { app: 'busybox' } });
    expect(result.passed).toBe(false);
    expect(result.observed).toMatch(/app runs busybox:nope, which the node cannot pull \((ErrImagePull|ImagePullBackOff)\); expected busybox$/);
  });

  it('sharedVolume and volume', async () => {
    expect((await check('sharedVolume', { pod: 'multi', volume: 'shared' })).observed).toBe('volume shared is mounted by app, side');
    const notShared = await check('sharedVolume', { pod: 'multi', volume: 'host' });
    expect(notShared).toMatchObject({ passed: false, observed: 'mounts per volume: host: app; expected one mounted by at least 2 containers' });
    const ok = await check('volume', { pod: 'multi', volume: 'shared', type: 'emptyDir', mounts: [{ container: 'side', mountPath: '/shared', readOnly: true }] });
    expect(ok.passed).toBe(true);
    const wrong = await check('volume', { pod: 'multi', volume: 'host', type: 'hostPath', hostPath: '/var/log/other', mounts: [{ container: 'side', mountPath: '/x' }] });
    expect(wrong.observed).toBe('volume host is hostPath (/var/log/multi); hostPath /var/log/multi; expected /var/log/other; side does not mount host');
  });

  it('logs: match, minLines and growth over a window', async () => {
    const grows = await check('logs', { pod: 'multi', container: 'app', match: '^hello-from-app$', grows: { windowSeconds: 2 } });
    expect(grows.passed).toBe(true);
    expect(grows.observed).toMatch(/gained \d+ lines? in 2 s/);
    const quiet = await check('logs', { pod: 'multi', container: 'side', minLines: 1 });
    expect(quiet).toMatchObject({ passed: false, observed: '0 log lines; expected at least 1 line' });
    const noContainer = await check('logs', { pod: 'multi', container: 'ghost', match: 'x' });
    expect(noContainer.observed).toMatch(/cannot read the logs of ghost: container ghost is not valid for pod multi/);
  });

  it('exec: exit code and output, through the API', async () => {
    const ok = await check('exec', { pod: 'multi', container: 'side', command: ['cat', '/shared/x'], expectOutput: '^data$' });
    expect(ok).toMatchObject({ passed: true, observed: '["cat","/shared/x"] exited 0, output: "data"' });
    const fails = await check('exec', { pod: 'multi', container: 'side', command: ['sh', '-c', 'echo nope >&2; exit 3'] });
    expect(fails).toMatchObject({ passed: false });
    expect(fails.observed).toMatch(/exited 3, output: "nope"; exit code 3; expected 0/);
  });

  it('nodeFile: the hostPath file lands in the node directory', async () => {
    const ok = await eventually('nodeFile', { path: '/var/log/multi/out.log', match: '^tick \\d+$', minLines: 2 });
    expect(ok.passed).toBe(true);
    expect((await check('nodeFile', { path: '/var/log/none.log' })).observed).toBe('/var/log/none.log does not exist on the node');
    expect((await check('nodeFile', { path: '/var/log/none.log', exists: false })).passed).toBe(true);
  });

  it('jsonPath: equals, matches, exists', async () => {
    expect((await check('jsonPath', { name: 'multi', path: '{.spec.containers[1].name}', equals: 'side' })).passed).toBe(true);
    expect((await check('jsonPath', { name: 'multi', path: '{.spec.containers[*].name}', matches: '^app side$' })).passed).toBe(true);
    expect((await check('jsonPath', { name: 'multi', path: '{.spec.nodeSelector}', exists: false })).passed).toBe(true);
    const wrong = await check('jsonPath', { name: 'multi', path: '{.spec.containers[0].image}', equals: 'nginx' });
    expect(wrong).toMatchObject({ passed: false, observed: '{.spec.containers[0].image} of pod multi is "busybox"; expected "nginx"' });
    expect((await check('jsonPath', { kind: 'ConfigMap', name: 'absent', path: '{.data}', exists: false })).passed).toBe(true);
  });

  it('event and restartCount: a crashing container backs off', async () => {
    const backOff = await eventually('event', { involvedName: 'crasher', reason: 'BackOff', type: 'Warning' });
    expect(backOff.passed).toBe(true);
    expect(backOff.observed).toMatch(/^Warning BackOff x\d+: Back-off restarting failed container app/);
    const restarted = await eventually('restartCount', { pod: 'crasher', container: 'app', min: 1 });
    expect(restarted.passed).toBe(true);
    const none = await check('event', { involvedName: 'multi', reason: 'BackOff' });
    expect(none.passed).toBe(false);
    expect(none.observed).toMatch(/^no BackOff event for pod multi; its events: .*Started/);
    expect((await check('restartCount', { pod: 'multi', container: 'app', max: 0 })).observed).toBe('app restarted 0 times; expected at most 0');
  });
});
