import { describe, expect, it } from 'vitest';
import { jsonPathValues, renderJsonPath } from './jsonpath.js';

const pod = {
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'x' } },
  spec: {
    containers: [
      { name: 'app', image: 'busybox', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'busybox:1.36', volumeMounts: [{ name: 'logs', mountPath: '/var/log' }] },
    ],
    volumes: [{ name: 'logs', emptyDir: {} }],
  },
};

describe('kubectl JSONPath', () => {
  it('prints fields, indexes and wildcards the way kubectl does', () => {
    expect(renderJsonPath('{.spec.containers[0].image}', pod)).toBe('busybox');
    expect(renderJsonPath('{.spec.containers[*].name}', pod)).toBe('app sidecar');
    expect(renderJsonPath('{.spec.containers[-1].name}', pod)).toBe('sidecar');
    expect(renderJsonPath('{.spec.volumes[0].emptyDir}', pod)).toBe('{}');
    expect(renderJsonPath('{.spec.containers[0].ports[0].containerPort}', pod)).toBe('80');
    expect(renderJsonPath("{.metadata.labels['app.kubernetes.io/name']}", pod)).toBe('x');
    expect(renderJsonPath('name={.metadata.name}', pod)).toBe('name=web');
    expect(renderJsonPath('{..mountPath}', pod)).toBe('/var/log');
    expect(renderJsonPath('{.spec.containers[0:1].name}', pod)).toBe('app');
  });

  it('filters by a comparison and by existence', () => {
    expect(renderJsonPath('{.spec.containers[?(@.name=="sidecar")].image}', pod)).toBe('busybox:1.36');
    expect(renderJsonPath('{.spec.containers[?(@.volumeMounts)].name}', pod)).toBe('sidecar');
    expect(jsonPathValues('{.spec.containers[?(@.name=="nope")].image}', pod)).toEqual([]);
  });

  it('yields nothing for missing paths and rejects malformed templates', () => {
    expect(jsonPathValues('{.spec.nodeName}', pod)).toEqual([]);
    expect(() => renderJsonPath('{.spec.containers[0}', pod)).toThrow(/unclosed/);
  });
});
