// Completion from the real exercise schema at typical places of an exercise file.
import { describe, expect, it } from 'vitest';
import schema from '@kubelab/exercise-format/exercise.schema.json';
import { completionsAt, pathAt, type SchemaNode } from './yaml-completion';

const at = (text: string) => {
  const offset = text.indexOf('|');
  return completionsAt(text.replace('|', ''), offset, schema as unknown as SchemaNode);
};
const labels = (text: string) => at(text)?.options.map((o) => o.label) ?? [];

describe('exercise editor completion', () => {
  it('offers the top-level keys not yet written', () => {
    const offered = labels('id: a\ntitle: { en: A, zh-CN: A }\n|');
    expect(offered).toContain('difficulty');
    expect(offered).toContain('checks');
    expect(offered).not.toContain('id');
    expect(offered).not.toContain('title');
  });

  it('offers the keys of a check inside the checks list, and check kinds as values', () => {
    expect(labels('id: a\nchecks:\n  - id: one\n    |')).toEqual(expect.arrayContaining(['kind', 'params', 'title', 'failureMessage', 'hints']));
    expect(labels('id: a\nchecks:\n  - |')).toContain('kind');
    const kinds = labels('id: a\nchecks:\n  - id: one\n    kind: pod|');
    expect(kinds).toEqual(expect.arrayContaining(['podExists', 'podPhase', 'containers']));
    expect(at('checks:\n  - kind: pod|')?.from).toBe('checks:\n  - kind: '.length);
  });

  it('offers locales inside localized text and enum values for difficulty', () => {
    expect(labels('title:\n  |')).toEqual(['zh-CN', 'en']);
    expect(labels('difficulty: |')).toEqual(['beginner', 'intermediate', 'advanced']);
    expect(labels('solution:\n  |')).toEqual(expect.arrayContaining(['manifests', 'commands', 'explanation']));
  });

  it('finds the path through nested lists', () => {
    const lines = ['checks:', '- id: a', '  params:', '    pod: web', '    '];
    expect(pathAt(lines, 4, 4, null)).toEqual(['checks', '[]', 'params']);
  });
});
