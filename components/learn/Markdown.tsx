// Lesson, task and hint Markdown on the page: rendered to HTML once per text and options
// (lib/content/markdown-html), shown with its copy buttons by ProseHtml. Headings get ids by
// section number (`section-3`), the same in every language, so a language switch can return
// the reader to the same place. Figures resolve under `figureBase` (the lesson's figure route).
import { markdownHtml, type MarkdownHtmlOptions } from '@/lib/content/markdown-html';
import { ProseHtml } from './ProseHtml';
import styles from './learn.module.css';

export interface MarkdownProps {
  source: string;
  /** Where the document's figure files are served; without it every image shows its alt text. */
  figureBase?: string;
  copyLabels: MarkdownHtmlOptions['copyLabels'];
  /** Heading levels are shifted so the document outline stays right under the page's h1. */
  headingOffset?: number;
  /** Prefix for heading ids when several documents share a page. */
  idPrefix?: string;
}

const classes: MarkdownHtmlOptions['classes'] = {
  figure: styles.figure!,
  inlineImage: styles.inlineImage!,
  tableWrap: styles.tableWrap!,
  codeBlock: styles.codeBlock!,
  copyButton: styles.copyButton!,
  visuallyHidden: styles.visuallyHidden!,
};

export function Markdown({ source, figureBase, copyLabels, headingOffset = 0, idPrefix = 'section' }: MarkdownProps) {
  return <ProseHtml html={markdownHtml(source, { figureBase, copyLabels, headingOffset, idPrefix, classes })} labels={copyLabels} />;
}
