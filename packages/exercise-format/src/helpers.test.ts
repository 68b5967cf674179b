import { describe, expect, it } from 'vitest';
import { checkSpecSchema, fillPlaceholders, imageMatches, messagePlaceholderValues, normalizeImageReference, placeholdersIn, sameImage } from '@kubelab/exercise-format/index';

describe('normalizeImageReference', () => {
  it('treats the usual spellings of busybox as one image', () => {
    for (const spelling of ['busybox', 'busybox:latest', 'library/busybox', 'docker.io/busybox', 'docker.io/library/busybox:latest', 'index.docker.io/library/busybox']) {
      expect(normalizeImageReference(spelling)).toBe('docker.io/library/busybox:latest');
    }
  });

  it('keeps registries, ports, tags and digests apart', () => {
    expect(normalizeImageReference('registry.k8s.io/pause:3.9')).toBe('registry.k8s.io/pause:3.9');
    expect(normalizeImageReference('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normalizeImageReference('busybox@sha256:abc')).toBe('docker.io/library/busybox@sha256:abc');
    expect(sameImage('busybox:1.36', 'busybox')).toBe(false);
  });
});

describe('placeholders', () => {
  it('finds and fills placeholders, keeping escaped braces and unknown names', () => {
    expect(placeholdersIn('{observed} in {pod}; {{literal}} {observed}')).toEqual(['observed', 'pod']);
    expect(fillPlaceholders('{observed} in {pod}; {{x}} {other}', { observed: '1 container', pod: 'counter' })).toBe('1 container in counter; {x} {other}');
  });

  it('offers the observed value and the scalar params of a check', () => {
    const check = checkSpecSchema.parse({
      id: 'two',
      kind: 'containers',
      title: { 'zh-CN': '两个容器', en: 'Two containers' },
      params: { pod: 'counter', count: 2, names: ['count', 'count-log'] },
      failureMessage: { 'zh-CN': '{pod}：{observed}', en: '{pod}: {observed}' },
      hints: [{ 'zh-CN': '提示', en: 'Hint' }],
    });
    const values = messagePlaceholderValues(check, 'found 1 container: count; expected 2');
    expect(values).toEqual({ observed: 'found 1 container: count; expected 2', pod: 'counter', count: '2' });
    expect(fillPlaceholders(check.failureMessage.en, values)).toBe('counter: found 1 container: count; expected 2');
  });
});

describe('imageMatches', () => {
  it('accepts any tag when the expected image has none, and only that tag otherwise', () => {
    expect(imageMatches('busybox', 'busybox:1.36')).toBe(true);
    expect(imageMatches('busybox', 'docker.io/library/busybox@sha256:abc')).toBe(true);
    expect(imageMatches('busybox', 'busybx:1.36')).toBe(false);
    expect(imageMatches('busybox:1.36', 'docker.io/library/busybox:1.36')).toBe(true);
    expect(imageMatches('busybox:1.36', 'busybox')).toBe(false);
    expect(imageMatches('localhost:5000/app', 'localhost:5000/app:v2')).toBe(true);
  });
});
