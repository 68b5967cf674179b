// A small, safe Markdown parser for lessons and exercise tasks: it produces a tree that
// Markdown.tsx renders as React elements, so no raw HTML from content ever reaches the page
// (HTML in the source shows as text). Supports what the course content uses: ATX headings,
// paragraphs, fenced code, block quotes, ordered/unordered (nested) lists, tables, rules,
// images, and inline code, strong, emphasis, links and images. Every link and image target
// passes the shared safe-link policy; one that fails renders as plain text.

import { IMAGE_SCHEMES, LINK_SCHEMES, safeLinkTarget } from '../sign-in/safe-link';

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'image'; src: string; alt: string; title: string | null }
  | { type: 'break' };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[]; section: number }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'figure'; src: string; alt: string; title: string | null }
  | { type: 'code'; lang: string | null; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'table'; align: ('left' | 'center' | 'right' | null)[]; head: Inline[][]; rows: Inline[][][] }
  | { type: 'rule' };

const FENCE = /^(\s*)(```+|~~~+)\s*([\w+-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const IMAGE_ONLY = /^\s*!\[([^\]]*)\]\(\s*([^\s)]+)(?:\s+"([^"]*)")?\s*\)\s*$/;

/** A link target as rendered: web pages, mail, in-page anchors and relative paths (lib/sign-in/safe-link.ts). */
export function safeHref(href: string): string | null {
  return safeLinkTarget(href, LINK_SCHEMES);
}

/** An image source as rendered: https or relative; anything else shows as its alt text. */
function safeImageSrc(src: string): string | null {
  return safeLinkTarget(src, IMAGE_SCHEMES);
}

// Trees are kept by their source text: a page renders the same few lesson and task texts for
// every learner, and a changed text is a new key. Callers must not change a returned tree.
const parsedTrees = new Map<string, Block[]>();
const MAX_PARSED_TREES = 500;

export function parseMarkdown(source: string): Block[] {
  let blocks = parsedTrees.get(source);
  if (!blocks) {
    blocks = parseBlocks(source.replace(/\r\n?/g, '\n').split('\n'), { section: 0 });
    if (parsedTrees.size >= MAX_PARSED_TREES) parsedTrees.clear();
    parsedTrees.set(source, blocks);
  }
  return blocks;
}

function parseBlocks(lines: string[], state: { section: number }): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const indent = fence[1]!.length;
      const marker = fence[2]!;
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i]!.trim().startsWith(marker) && lines[i]!.trim().replace(/[`~]/g, '') === '')) {
        body.push(lines[i]!.slice(Math.min(indent, lines[i]!.length - lines[i]!.trimStart().length)));
        i += 1;
      }
      i += 1;
      blocks.push({ type: 'code', lang: fence[3] || null, text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      state.section += 1;
      blocks.push({ type: 'heading', level: heading[1]!.length as 1, children: parseInline(heading[2]!), section: state.section });
      i += 1;
      continue;
    }
    if (RULE.test(line) && !LIST_ITEM.test(line.replace(/^(\s*[-*+])\s*$/, ''))) {
      blocks.push({ type: 'rule' });
      i += 1;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) {
        body.push(lines[i]!.replace(/^\s*>\s?/, ''));
        i += 1;
      }
      blocks.push({ type: 'quote', children: parseBlocks(body, state) });
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const [list, next] = parseList(lines, i, state);
      blocks.push(list);
      i = next;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!) && lines[i + 1]!.includes('-')) {
      const head = splitRow(line);
      const align = splitRow(lines[i + 1]!).map((cell) => {
        const c = cell.trim();
        if (c.startsWith(':') && c.endsWith(':')) return 'center' as const;
        if (c.endsWith(':')) return 'right' as const;
        if (c.startsWith(':')) return 'left' as const;
        return null;
      });
      i += 2;
      const rows: Inline[][][] = [];
      while (i < lines.length && lines[i]!.includes('|') && lines[i]!.trim() !== '') {
        rows.push(splitRow(lines[i]!).map(parseInline));
        i += 1;
      }
      blocks.push({ type: 'table', align, head: head.map(parseInline), rows });
      continue;
    }
    const image = IMAGE_ONLY.exec(line);
    if (image) {
      const src = safeImageSrc(image[2]!);
      blocks.push(src === null ? { type: 'paragraph', children: [{ type: 'text', text: image[1]! }] } : { type: 'figure', alt: image[1]!, src, title: image[3] ?? null });
      i += 1;
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.trim() === '' || FENCE.test(l) || HEADING.test(l) || /^\s*>/.test(l) || (paragraph.length > 0 && LIST_ITEM.test(l))) break;
      paragraph.push(l);
      i += 1;
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
  }
  return blocks;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function parseList(lines: string[], start: number, state: { section: number }): [Block, number] {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const baseIndent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const match = LIST_ITEM.exec(lines[i]!);
    if (!match || match[1]!.length !== baseIndent || /\d/.test(match[2]!) !== ordered) break;
    const contentIndent = baseIndent + match[2]!.length + 1;
    const body = [match[3]!];
    i += 1;
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.trim() === '') {
        // A blank line continues the item only if the next line is indented into it.
        const nextLine = lines[i + 1];
        if (nextLine !== undefined && nextLine.trim() !== '' && indentOf(nextLine) > baseIndent) {
          body.push('');
          i += 1;
          continue;
        }
        break;
      }
      if (indentOf(l) <= baseIndent && LIST_ITEM.test(l)) break;
      if (indentOf(l) <= baseIndent && !LIST_ITEM.test(l) && body.length > 0 && body[body.length - 1] === '') break;
      body.push(l.slice(Math.min(contentIndent, indentOf(l))));
      i += 1;
    }
    items.push(parseBlocks(body, state));
    // Skip blank lines between items of the same list.
    let j = i;
    while (j < lines.length && lines[j]!.trim() === '') j += 1;
    const nextItem = j < lines.length ? LIST_ITEM.exec(lines[j]!) : null;
    if (nextItem && nextItem[1]!.length === baseIndent && /\d/.test(nextItem[2]!) === ordered) i = j;
    else break;
  }
  return [{ type: 'list', ordered, start: ordered ? Number.parseInt(first[2]!, 10) : 1, items }, i];
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (let k = 0; k < row.length; k += 1) {
    const ch = row[k]!;
    if (ch === '\\' && row[k + 1] === '|') {
      current += '|';
      k += 1;
    } else if (ch === '`') {
      inCode = !inCode;
      current += ch;
    } else if (ch === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else current += ch;
  }
  cells.push(current.trim());
  return cells;
}

/** Inline spans; unmatched markers stay as text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!|<>]/.test(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const ticks = /^`+/.exec(text.slice(i))![0];
      const end = text.indexOf(ticks, i + ticks.length);
      if (end !== -1) {
        flush();
        out.push({ type: 'code', text: text.slice(i + ticks.length, end).replace(/\n/g, ' ').replace(/^ (.*) $/, '$1') });
        i = end + ticks.length;
        continue;
      }
    }
    if (ch === '\n') {
      flush();
      if (buffer === '' && /  $/.test(text.slice(0, i))) out.push({ type: 'break' });
      else out.push({ type: 'text', text: ' ' });
      i += 1;
      continue;
    }
    if ((ch === '*' || ch === '_') && text[i + 1] === ch) {
      const end = text.indexOf(ch + ch, i + 2);
      if (end > i + 2) {
        flush();
        out.push({ type: 'strong', children: parseInline(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && text[i + 1] !== ch && text[i + 1] !== ' ' && text[i + 1] !== undefined) {
      // `_` inside words (snake_case) is not emphasis.
      const wordBefore = ch === '_' && /\w/.test(text[i - 1] ?? '');
      const end = findClosing(text, ch, i + 1);
      if (!wordBefore && end !== -1) {
        flush();
        out.push({ type: 'em', children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '!' && text[i + 1] === '[') {
      const m = /^!\[([^\]]*)\]\(\s*([^\s)]+)(?:\s+"([^"]*)")?\s*\)/.exec(text.slice(i));
      if (m) {
        const src = safeImageSrc(m[2]!);
        if (src === null) buffer += m[1]!;
        else {
          flush();
          out.push({ type: 'image', alt: m[1]!, src, title: m[3] ?? null });
        }
        i += m[0].length;
        continue;
      }
    }
    if (ch === '[') {
      const m = /^\[((?:[^\]\\]|\\.)*)\]\(\s*([^\s)]+)(?:\s+"[^"]*")?\s*\)/.exec(text.slice(i));
      const href = m ? safeHref(m[2]!) : null;
      if (m && href !== null) {
        flush();
        out.push({ type: 'link', href, children: parseInline(m[1]!) });
        i += m[0].length;
        continue;
      }
    }
    buffer += ch;
    i += 1;
  }
  flush();
  return out;
}

function findClosing(text: string, ch: string, from: number): number {
  for (let k = from; k < text.length; k += 1) {
    if (text[k] === '`') {
      const close = text.indexOf('`', k + 1);
      if (close === -1) return -1;
      k = close;
      continue;
    }
    if (text[k] === ch && text[k - 1] !== ' ' && text[k + 1] !== ch && !(ch === '_' && /\w/.test(text[k + 1] ?? ''))) return k;
  }
  return -1;
}

/** Plain text of inline spans (for ids, labels). */
function inlineText(spans: readonly Inline[]): string {
  return spans
    .map((s) => {
      if (s.type === 'text' || s.type === 'code') return s.text;
      if (s.type === 'image') return s.alt;
      if (s.type === 'break') return ' ';
      return inlineText(s.children);
    })
    .join('');
}

/** A lesson page's h1 is the lesson title, so a leading "# Title" line of the text is not repeated. */
export function withoutLeadingTitle(markdown: string): string {
  return markdown.replace(/^\s*#\s+[^\n]*\n/, '');
}
