// Lesson, task and hint Markdown (the tree of ./markdown) as one HTML string, which
// components/learn/Markdown.tsx puts on the page. Kept per source text and options: a page shows
// the same few texts to every learner, and as React elements the server serialised every
// element of them into the RSC payload and rendered it again into HTML on every request.
// Every text and attribute value is escaped here; link and image targets were already judged
// by the tree (the safe-link policy), and nothing but the node types of the tree is written.
import { parseMarkdown, type Block, type Inline } from './markdown';

/** Class names of the page's stylesheet (CSS module) for what the renderer writes. */
export interface MarkdownClasses {
  figure: string;
  inlineImage: string;
  tableWrap: string;
  codeBlock: string;
  copyButton: string;
  visuallyHidden: string;
}

export interface MarkdownHtmlOptions {
  /**
   * Where this document's figure files (`name.svg`) are served, e.g. a lesson's figure route;
   * other image sources, and every image without it, show as their alt text.
   */
  figureBase?: string | null;
  /** Heading levels are shifted so the document outline stays right under the page's h1. */
  headingOffset: number;
  /** Heading ids are `<idPrefix>-<section number>`, the same in every language. */
  idPrefix: string;
  copyLabels: { copy: string; copied: string; label: string };
  classes: MarkdownClasses;
}

/** The attribute that marks a code block's copy button, for the page's click handler. */
export const COPY_BUTTON_ATTRIBUTE = 'data-copy';

const FIGURE_NAME = /^[\w.-]+\.svg$/;

// Per source text, then per options. The text is the map key itself, not part of a longer key
// built per call: the page's text is the same string object on every request (the content
// snapshot's), whose hash V8 keeps, while a built key would be a new string of a lesson's length.
const rendered = new Map<string, Map<string, string>>();
const MAX_SOURCES = 500;

/** The HTML of `source`; the same string for the same source and options. */
export function markdownHtml(source: string, options: MarkdownHtmlOptions): string {
  const { figureBase, headingOffset, idPrefix, copyLabels, classes } = options;
  let bySource = rendered.get(source);
  if (!bySource) {
    if (rendered.size >= MAX_SOURCES) rendered.clear();
    bySource = new Map();
    rendered.set(source, bySource);
  }
  const key = JSON.stringify([figureBase ?? null, headingOffset, idPrefix, copyLabels, classes]);
  let html = bySource.get(key);
  if (html === undefined) {
    html = blocksHtml(parseMarkdown(source), options);
    bySource.set(key, html);
  }
  return html;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value, safe inside an element and inside double quotes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function tag(name: string, attributes: Record<string, string | number | null | undefined>, inner: string | null): string {
  let open = `<${name}`;
  for (const [attribute, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) open += ` ${attribute}="${escapeHtml(String(value))}"`;
  }
  return inner === null ? `${open}/>` : `${open}>${inner}</${name}>`;
}

function imageSrc(src: string, options: MarkdownHtmlOptions): string | null {
  return options.figureBase && FIGURE_NAME.test(src) ? `${options.figureBase}/${src}` : null;
}

function blocksHtml(blocks: readonly Block[], options: MarkdownHtmlOptions): string {
  return blocks.map((block) => blockHtml(block, options)).join('');
}

function blockHtml(block: Block, options: MarkdownHtmlOptions): string {
  const { classes } = options;
  switch (block.type) {
    case 'heading':
      return tag(
        `h${Math.min(6, block.level + options.headingOffset)}`,
        { id: `${options.idPrefix}-${block.section}`, 'data-section': block.section, tabindex: -1 },
        inlineHtml(block.children, options),
      );
    case 'paragraph':
      return tag('p', {}, inlineHtml(block.children, options));
    case 'figure': {
      const src = imageSrc(block.src, options);
      if (!src) return tag('p', {}, escapeHtml(block.alt));
      // Lesson diagrams are SVG files served by the figure route.
      const image = tag('img', { src, alt: block.alt, loading: 'lazy', decoding: 'async' }, null);
      return tag('figure', { class: classes.figure }, image + (block.title ? tag('figcaption', {}, escapeHtml(block.title)) : ''));
    }
    case 'code': {
      const { copy, label } = options.copyLabels;
      const pre = tag('pre', { tabindex: 0, 'aria-label': block.lang }, tag('code', { 'data-lang': block.lang }, escapeHtml(block.text)));
      const button = tag('button', { type: 'button', class: classes.copyButton, 'aria-label': label, [COPY_BUTTON_ATTRIBUTE]: '' }, escapeHtml(copy));
      const status = tag('span', { class: classes.visuallyHidden, role: 'status', 'aria-live': 'polite' }, '');
      return tag('div', { class: classes.codeBlock }, pre + button + status);
    }
    case 'quote':
      return tag('blockquote', {}, blocksHtml(block.children, options));
    case 'list': {
      const items = block.items.map((item) => tag('li', {}, listItemHtml(item, options))).join('');
      return block.ordered ? tag('ol', { start: block.start === 1 ? null : block.start }, items) : tag('ul', {}, items);
    }
    case 'table': {
      const align = (i: number) => (block.align[i] ? `text-align:${block.align[i]}` : null);
      const head = tag('tr', {}, block.head.map((cell, i) => tag('th', { scope: 'col', style: align(i) }, inlineHtml(cell, options))).join(''));
      const rows = block.rows.map((row) => tag('tr', {}, row.map((cell, i) => tag('td', { style: align(i) }, inlineHtml(cell, options))).join(''))).join('');
      const table = tag('table', {}, tag('thead', {}, head) + tag('tbody', {}, rows));
      return tag('div', { class: classes.tableWrap, role: 'region', 'aria-label': block.head.map(textOf).join(', '), tabindex: 0 }, table);
    }
    case 'rule':
      return '<hr/>';
  }
}

/** A tight list item (one paragraph first) renders without the <p> wrapper. */
function listItemHtml(blocks: readonly Block[], options: MarkdownHtmlOptions): string {
  const [first, ...rest] = blocks;
  if (first?.type === 'paragraph') return inlineHtml(first.children, options) + blocksHtml(rest, options);
  return blocksHtml(blocks, options);
}

function textOf(spans: readonly Inline[]): string {
  return spans.map((s) => (s.type === 'text' || s.type === 'code' ? s.text : s.type === 'image' ? s.alt : s.type === 'break' ? ' ' : textOf(s.children))).join('');
}

function inlineHtml(spans: readonly Inline[], options: MarkdownHtmlOptions): string {
  return spans
    .map((span) => {
      switch (span.type) {
        case 'text':
          return escapeHtml(span.text);
        case 'code':
          return tag('code', {}, escapeHtml(span.text));
        case 'strong':
          return tag('strong', {}, inlineHtml(span.children, options));
        case 'em':
          return tag('em', {}, inlineHtml(span.children, options));
        case 'break':
          return '<br/>';
        case 'link': {
          const external = /^https?:/i.test(span.href);
          return tag('a', { href: span.href, rel: external ? 'noopener noreferrer' : null, target: external ? '_blank' : null }, inlineHtml(span.children, options));
        }
        case 'image': {
          const src = imageSrc(span.src, options);
          return src ? tag('img', { src, alt: span.alt, class: options.classes.inlineImage }, null) : escapeHtml(span.alt);
        }
      }
    })
    .join('');
}
