import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles, renderJsonSchema, type JsonSchemaFileName } from '@kubelab/exercise-format/json-schema';

describe('committed JSON Schemas', () => {
  for (const name of Object.keys(jsonSchemaFiles) as JsonSchemaFileName[]) {
    it(`${name} is up to date (regenerate: npm run -w @kubelab/exercise-format schema:write)`, () => {
      const committed = readFileSync(join(import.meta.dirname, '..', name), 'utf8');
      expect(committed).toBe(renderJsonSchema(name));
    });
  }

  it('describes every check kind with its own params', () => {
    const schema = JSON.parse(renderJsonSchema('exercise.schema.json')) as {
      properties: { checks: { items: { oneOf?: { properties: { kind: { const: string } } }[]; anyOf?: { properties: { kind: { const: string } } }[] } } };
    };
    const variants = schema.properties.checks.items.oneOf ?? schema.properties.checks.items.anyOf ?? [];
    expect(variants.map((v) => v.properties.kind.const)).toEqual([
      'podExists', 'podPhase', 'podReady', 'containers', 'sharedVolume', 'volume',
      'logs', 'exec', 'nodeFile', 'jsonPath', 'event', 'restartCount',
    ]);
  });
});
