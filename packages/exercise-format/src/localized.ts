import { z } from 'zod';

/** The locales every piece of learner-facing text is written in. */
export const locales = ['zh-CN', 'en'] as const;
export const localeSchema = z.enum(locales);
export type Locale = z.infer<typeof localeSchema>;

function localeText(locale: Locale) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `missing the ${locale} text` : `expected a string (the ${locale} text)`),
    })
    .trim()
    .min(1, { error: `the ${locale} text is empty` });
}

/** Text in every locale: `{ zh-CN: ..., en: ... }`. Both are required, nothing else is allowed. */
export const localizedTextSchema = z
  .strictObject({ 'zh-CN': localeText('zh-CN'), en: localeText('en') })
  .describe('Text in each locale (zh-CN and en), both required.');
export type LocalizedText = z.infer<typeof localizedTextSchema>;

/** Ids of courses, lessons, exercises, checks, quiz questions: lower-case kebab-case. */
export const kebabIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'expected a kebab-case id (lower-case letters, digits and single dashes)' });
