// The three PATCH formats on Pod-shaped documents, including the strategic-merge directives
// kubectl sends ($setElementOrder, $patch, $retainKeys, $deleteFromPrimitiveList).

import { describe, expect, it } from 'vitest';
import { StatusError } from '../status-error.js';
import { jsonPatch, mergePatch, strategicMergeFor } from './patch.js';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'a', tier: 'web' }, finalizers: ['x/one'] },
  spec: {
    containers: [
      { name: 'app', image: 'busybox:1.36', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'side', image: 'busybox:1.36' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
});

describe('strategic merge patch', () => {
  it('merges keyed lists by their merge key and replaces lists without one', () => {
    const out = strategicMergeFor('core.Pod', pod(), {
      spec: { containers: [{ name: 'side', image: 'busybox:1.35', env: [{ name: 'B', value: '2' }] }], tolerations: [{ key: 'other', operator: 'Exists' }] },
    }) as ReturnType<typeof pod>;
    expect(out.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=busybox:1.36', 'side=busybox:1.35']);
    expect(out.spec.containers[1]).toMatchObject({ env: [{ name: 'B', value: '2' }] });
    expect(out.spec.tolerations).toEqual([{ key: 'other', operator: 'Exists' }]);
  });

  it('understands $setElementOrder, $patch: delete and replace, $retainKeys and $deleteFromPrimitiveList', () => {
    const out = strategicMergeFor('core.Pod', pod(), {
      metadata: { labels: { tier: null }, '$deleteFromPrimitiveList/finalizers': ['x/one'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
        containers: [{ name: 'app', env: [{ name: 'A', $patch: 'delete' }] }],
        volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }],
      },
    }) as ReturnType<typeof pod> & { spec: { volumes: Record<string, unknown>[] } };
    expect(out.metadata.labels).toEqual({ app: 'a' });
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['side', 'app']);
    expect(out.spec.containers[1]?.env).toEqual([]);
    expect(out.spec.volumes).toEqual([{ name: 'data', hostPath: { path: '/x' } }]);
    const replaced = strategicMergeFor('core.Pod', pod(), { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } }) as ReturnType<typeof pod>;
    expect(replaced.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('rejects a keyed list entry without its merge key', () => {
    expect(() => strategicMergeFor('core.Pod', pod(), { spec: { containers: [{ image: 'x' }] } })).toThrow(/does not contain declared merge key: name/);
  });
});

describe('merge patch and JSON patch', () => {
  it('merge patch replaces lists and deletes with null', () => {
    const out = mergePatch(pod(), { metadata: { labels: { app: null, new: 'y' } }, spec: { containers: [{ name: 'solo', image: 'x' }] } }) as ReturnType<typeof pod>;
    expect(out.metadata.labels).toEqual({ tier: 'web', new: 'y' });
    expect(out.spec.containers).toEqual([{ name: 'solo', image: 'x' }]);
  });

  it('JSON patch applies add/remove/replace/move/copy/test in order and reports failures as 422', () => {
    const out = jsonPatch(pod(), [
      { op: 'add', path: '/metadata/labels/x', value: '1' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'busybox:1.35' },
      { op: 'remove', path: '/spec/containers/1' },
      { op: 'copy', from: '/metadata/labels/x', path: '/metadata/labels/y' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/z' },
      { op: 'test', path: '/metadata/name', value: 'p' },
      { op: 'add', path: '/spec/tolerations/-', value: { key: 'last' } },
    ]) as ReturnType<typeof pod>;
    expect(out.metadata.labels).toEqual({ app: 'a', x: '1', y: '1', z: 'web' });
    expect(out.spec.containers).toHaveLength(1);
    expect(out.spec.containers[0]?.image).toBe('busybox:1.35');
    expect(out.spec.tolerations.at(-1)).toEqual({ key: 'last' });
    try {
      jsonPatch(pod(), [{ op: 'replace', path: '/spec/nope/x', value: 1 }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).code).toBe(422);
    }
  });
});
