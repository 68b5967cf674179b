// A lesson's text (title and markdown in both locales) and its one-document layout for line
// diffs: the history's comparison and the refused concurrent save both show this, in the browser
// and from the server, so the two always line up.
import { z } from 'zod';
import { localizedTextSchema } from '@kubelab/exercise-format';

export const lessonTextSchema = z.strictObject({ title: localizedTextSchema, body: localizedTextSchema });
export type LessonText = z.infer<typeof lessonTextSchema>;

const LOCALES = ['en', 'zh-CN'] as const;

/** Each locale as a "== <locale> ==" heading, its title line, a blank line, then its markdown. */
export function lessonDiffText(text: { title: Record<string, string>; body: Record<string, string> }): string {
  return LOCALES.map((locale) => `== ${locale} ==\n${text.title[locale] ?? ''}\n\n${text.body[locale] ?? ''}`.replace(/\n*$/, '\n')).join('\n');
}
