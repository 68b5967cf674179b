import { z } from 'zod';
import { courseSchema, lessonSchema } from '@kubelab/exercise-format/course';
import { exerciseSchema } from '@kubelab/exercise-format/exercise';

// JSON Schemas for editors (YAML language servers), generated from the zod schemas so they
// never drift. Refinements (regex validity, cross-field rules) are only enforced by the loader.

export const jsonSchemaFiles = {
  'exercise.schema.json': { schema: exerciseSchema, title: 'Kubelab exercise' },
  'course.schema.json': { schema: courseSchema, title: 'Kubelab course' },
  'lesson.schema.json': { schema: lessonSchema, title: 'Kubelab lesson' },
} as const;

export type JsonSchemaFileName = keyof typeof jsonSchemaFiles;

/** The JSON text of a schema file, exactly as committed (2-space indent, trailing newline). */
export function renderJsonSchema(name: JsonSchemaFileName): string {
  const { schema, title } = jsonSchemaFiles[name];
  const json = { title, ...z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'throw' }) };
  return `${JSON.stringify(json, null, 2)}\n`;
}
