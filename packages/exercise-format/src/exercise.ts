import { z } from 'zod';
import { checkSpecSchema } from '@kubelab/exercise-format/check-spec';
import { nodePathSchema } from '@kubelab/exercise-format/check-params';
import { kebabIdSchema, localizedTextSchema } from '@kubelab/exercise-format/localized';
import { manifestSchema } from '@kubelab/exercise-format/manifest';

const shellCommand = z.string().trim().min(1).describe('A shell script run with `sh -c` in the toolbox (kubectl on PATH).');

export const exerciseSetupSchema = z
  .strictObject({
    files: z
      .record(nodePathSchema, z.string())
      .default({})
      .describe('Files written into the node directory first: absolute node path -> content.'),
    manifests: z.array(manifestSchema).default([]).describe('Applied after the files.'),
    commands: z.array(shellCommand).default([]).describe('Run in the toolbox after the manifests, in order.'),
  })
  .describe('What the sandbox holds before the learner starts: files, then manifests, then commands.');

export const exerciseSolutionSchema = z
  .strictObject({
    manifests: z.array(manifestSchema).default([]).describe('Applied first.'),
    commands: z.array(shellCommand).default([]).describe('Run in the toolbox after the manifests, in order.'),
    explanation: localizedTextSchema.describe('Markdown shown after the learner passes or gives up.'),
  })
  .refine((s) => s.manifests.length + s.commands.length > 0, { error: 'a solution needs manifests or commands' });

export const quizChoiceSchema = z.strictObject({ id: kebabIdSchema, text: localizedTextSchema });

export const quizQuestionSchema = z
  .strictObject({
    id: kebabIdSchema,
    prompt: localizedTextSchema,
    choices: z.array(quizChoiceSchema).min(2),
    correct: z.array(kebabIdSchema).min(1).describe('Ids of the correct choices; more than one makes it multiple-choice.'),
    explanation: localizedTextSchema,
  })
  .superRefine((question, ctx) => {
    const ids = question.choices.map((c) => c.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: 'custom', path: ['choices', index, 'id'], message: `duplicate choice id "${id}"` });
    });
    question.correct.forEach((id, index) => {
      if (!ids.includes(id)) ctx.addIssue({ code: 'custom', path: ['correct', index], message: `"${id}" is not one of the choices (${ids.join(', ')})` });
    });
  });

export const quizSchema = z
  .strictObject({
    passPercent: z.int().min(0).max(100).default(100),
    questions: z.array(quizQuestionSchema).min(1),
  })
  .describe('Graded by the web app, not the runner.');

export const exerciseSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to exercise.schema.json, for editors.'),
    id: kebabIdSchema.describe('Globally unique; the file is named <id>.yaml.'),
    title: localizedTextSchema,
    description: localizedTextSchema.describe('One or two sentences shown in the exercise list.'),
    difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
    estimatedMinutes: z.int().min(1).max(240),
    tags: z.array(kebabIdSchema).default([]),
    setup: exerciseSetupSchema.default({ files: {}, manifests: [], commands: [] }),
    tasks: localizedTextSchema.describe('Markdown: what the learner must do.'),
    checks: z.array(checkSpecSchema).min(1),
    solution: exerciseSolutionSchema,
    quiz: quizSchema.optional(),
  })
  .superRefine((exercise, ctx) => {
    const ids = exercise.checks.map((c) => c.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: 'custom', path: ['checks', index, 'id'], message: `duplicate check id "${id}"` });
    });
    const questionIds = exercise.quiz?.questions.map((q) => q.id) ?? [];
    questionIds.forEach((id, index) => {
      if (questionIds.indexOf(id) !== index)
        ctx.addIssue({ code: 'custom', path: ['quiz', 'questions', index, 'id'], message: `duplicate question id "${id}"` });
    });
  });

/** An exercise after parsing (defaults filled in). */
export type Exercise = z.output<typeof exerciseSchema>;
/** An exercise as an author may write it (defaults optional). */
export type ExerciseInput = z.input<typeof exerciseSchema>;
export type ExerciseSetup = Exercise['setup'];
export type ExerciseSolution = Exercise['solution'];
export type Quiz = NonNullable<Exercise['quiz']>;
export type QuizQuestion = Quiz['questions'][number];
