import { z } from 'zod';
import { checkParamsSchemas, type CheckKind } from '@kubelab/exercise-format/check-params';
import { kebabIdSchema, localizedTextSchema, locales } from '@kubelab/exercise-format/localized';
import { placeholdersIn } from '@kubelab/exercise-format/placeholders';

// What every check has besides its kind-specific params.
const checkCommon = {
  id: kebabIdSchema.describe('Unique within the exercise; results are reported under it.'),
  title: localizedTextSchema.describe('What the check verifies, shown before the learner presses Check.'),
  points: z.int().min(0).max(100).default(1),
  failureMessage: localizedTextSchema.describe(
    'Shown when the check fails. Placeholders: {observed} (what the engine saw) and any scalar param, e.g. {pod}.',
  ),
  hints: z
    .array(localizedTextSchema)
    .min(1)
    .describe('Progressive hints: the first is a nudge, the last names the exact field or command.'),
  mustFailBeforeSolution: z
    .boolean()
    .default(true)
    .describe('false for checks that legitimately pass on the setup alone (exercises:verify skips them before the solution).'),
  timeoutSeconds: z
    .int()
    .min(1)
    .max(300)
    .default(30)
    .describe('How long exercises:verify waits for this check to pass after the solution.'),
};

function checkVariant<K extends CheckKind>(kind: K) {
  return z.strictObject({ ...checkCommon, kind: z.literal(kind), params: checkParamsSchemas[kind] });
}

export const checkSpecSchema = z
  .discriminatedUnion('kind', [
    checkVariant('podExists'),
    checkVariant('podPhase'),
    checkVariant('podReady'),
    checkVariant('containers'),
    checkVariant('sharedVolume'),
    checkVariant('volume'),
    checkVariant('logs'),
    checkVariant('exec'),
    checkVariant('nodeFile'),
    checkVariant('jsonPath'),
    checkVariant('event'),
    checkVariant('restartCount'),
  ])
  .superRefine((check, ctx) => {
    const allowed = new Set(messagePlaceholderNames(check.params));
    for (const locale of locales) {
      for (const name of placeholdersIn(check.failureMessage[locale])) {
        if (!allowed.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['failureMessage', locale],
            message: `unknown placeholder {${name}}; allowed: ${[...allowed].map((n) => `{${n}}`).join(', ')}`,
          });
        }
      }
    }
  });

/** A check as written in an exercise file, after parsing (defaults filled in). */
export type CheckSpec = z.output<typeof checkSpecSchema>;
/** The check of one kind, e.g. `CheckSpecOf<'logs'>`. */
export type CheckSpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>;

/** Placeholders a failure message may use: `observed` plus every scalar param. */
export function messagePlaceholderNames(params: object): string[] {
  const names = ['observed'];
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') names.push(key);
  }
  return names;
}

/** The values the engine substitutes into a check's failure message, given what it observed. */
export function messagePlaceholderValues(check: CheckSpec, observed: string): Record<string, string> {
  const values: Record<string, string> = { observed };
  for (const [key, value] of Object.entries(check.params)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
  }
  return values;
}
