// A lesson's text (title and markdown in both locales) as one document for line diffs: the
// history's comparison (in the browser) and the refused concurrent save (from the server) both
// show this layout, so the two always line up. Imports nothing: the lesson editor bundles it.

const LOCALES = ['en', 'zh-CN'] as const;

/** Each locale as a "== <locale> ==" heading, its title line, a blank line, then its markdown. */
export function lessonDiffText(text: { title: Record<string, string>; body: Record<string, string> }): string {
  return LOCALES.map((locale) => `== ${locale} ==\n${text.title[locale] ?? ''}\n\n${text.body[locale] ?? ''}`.replace(/\n*$/, '\n')).join('\n');
}
