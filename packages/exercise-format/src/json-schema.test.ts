import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

describe('the JSON Schemas, as an editor applies them', () => {
  const exercisesRoot = join(import.meta.dirname, '..', '..', '..', 'exercises');
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = Object.fromEntries(
    (Object.keys(jsonSchemaFiles) as JsonSchemaFileName[]).map((name) => [name, ajv.compile(JSON.parse(renderJsonSchema(name)) as object)]),
  ) as Record<JsonSchemaFileName, ValidateFunction>;
  const schemaFor = (file: string): JsonSchemaFileName =>
    file.endsWith('course.yaml') ? 'course.schema.json' : file.endsWith('lesson.yaml') ? 'lesson.schema.json' : 'exercise.schema.json';

  it('accept every course, lesson and exercise file in exercises/', () => {
    const files = readdirSync(exercisesRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const validate = validators[schemaFor(file)];
      const valid = validate(parse(readFileSync(join(exercisesRoot, file), 'utf8')));
      expect(valid, `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('reject what the loader rejects: an unknown field, a missing locale, an unknown check kind', () => {
    const exercise = parse(readFileSync(join(exercisesRoot, 'pods/why-pods/first-pod.yaml'), 'utf8')) as Record<string, unknown> & {
      tasks: Record<string, string>;
      checks: Record<string, unknown>[];
    };
    const validate = validators['exercise.schema.json'];
    expect(validate({ ...exercise, estimatedMinute: 5 })).toBe(false);
    expect(validate({ ...exercise, tasks: { 'zh-CN': exercise.tasks['zh-CN'] } })).toBe(false);
    expect(validate({ ...exercise, checks: [{ ...exercise.checks[0], kind: 'podsExist' }] })).toBe(false);
    expect(validate(exercise)).toBe(true);
  });
});
