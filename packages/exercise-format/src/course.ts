import { z } from 'zod';
import { kebabIdSchema, localizedTextSchema } from '@kubelab/exercise-format/localized';

/** `exercises/<course>/course.yaml` */
export const courseSchema = z.strictObject({
  $schema: z.string().optional(),
  id: kebabIdSchema.describe('Equals the course folder name.'),
  title: localizedTextSchema,
  description: localizedTextSchema,
  lessons: z.array(kebabIdSchema).min(1).describe('Lesson folder names, in teaching order.'),
});
export type CourseSpec = z.output<typeof courseSchema>;

/** `exercises/<course>/<lesson>/lesson.yaml`; the text is in lesson.zh-CN.md and lesson.en.md beside it. */
export const lessonSchema = z.strictObject({
  $schema: z.string().optional(),
  id: kebabIdSchema.describe('Equals the lesson folder name.'),
  title: localizedTextSchema,
  summary: localizedTextSchema.optional(),
  order: z.int().min(1).describe('Position in the course, 1-based; must match the course file.'),
  exercises: z.array(kebabIdSchema).default([]).describe('Exercise ids, in order; each is <id>.yaml in this folder.'),
});
export type LessonSpec = z.output<typeof lessonSchema>;
