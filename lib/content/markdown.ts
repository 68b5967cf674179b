// Lessons, exercise tasks, hints and solutions as a tree of Markdown blocks, which Markdown.tsx
// renders as React elements. Parsing is markdown-it's (CommonMark) with raw HTML off, so HTML in
// the source shows as text; the tree below is the sanitising step: only the node types listed
// here ever reach the page, and every link and image target passes the shared safe-link policy
// (lib/sign-in/safe-link.ts) twice: in markdown-it's own link check and again here, where a
// target that fails renders as plain text. Kept from our earlier hand-written parser: headings
// numbered by section in document order, a paragraph that is only an image becomes a figure,
// soft line breaks read as one space, no strikethrough, no bare-URL links, and emphasis that
// works beside CJK punctuation (`**注意：**这是`, which plain CommonMark leaves as asterisks).

import MarkdownIt, { type Token } from 'markdown-it';
import cjkFriendly from 'markdown-it-cjk-friendly';
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

/** A link target as rendered: web pages, mail, in-page anchors and relative paths (lib/sign-in/safe-link.ts). */
export function safeHref(href: string): string | null {
  return safeLinkTarget(href, LINK_SCHEMES);
}

/** An image source as rendered: https or relative; anything else shows as its alt text. */
function safeImageSrc(src: string): string | null {
  return safeLinkTarget(src, IMAGE_SCHEMES);
}

const markdown = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: false }).disable('strikethrough').use(cjkFriendly);
// Links, images, autolinks and reference definitions all ask this; a refused target stays text.
// Images are held to the narrower image policy when the tree is built.
markdown.validateLink = (url) => safeHref(url) !== null;
// That check sees a destination after markdown-it has resolved its backslash escapes, so it
// would pass `\/evil.example` (to CommonMark, `/evil.example`). The destination as written is
// judged as well: text that a browser or another reader could take for `//evil.example` is refused.
const parseDestination = markdown.helpers.parseLinkDestination;
markdown.helpers.parseLinkDestination = (source, start, max) => {
  const found = parseDestination(source, start, max);
  const written = source.slice(start, found.pos).replace(/^<([^]*)>$/, '$1');
  return found.ok && safeHref(written) === null ? { ...found, ok: false } : found;
};

// Trees are kept by their source text: a page renders the same few lesson and task texts for
// every learner, and a changed text is a new key. Callers must not change a returned tree.
const parsedTrees = new Map<string, Block[]>();
const MAX_PARSED_TREES = 500;

export function parseMarkdown(source: string): Block[] {
  let blocks = parsedTrees.get(source);
  if (!blocks) {
    blocks = blocksOf(markdown.parse(source, {}), { section: 0 });
    if (parsedTrees.size >= MAX_PARSED_TREES) parsedTrees.clear();
    parsedTrees.set(source, blocks);
  }
  return blocks;
}

/** Inline spans of one line or paragraph of text. */
export function parseInline(text: string): Inline[] {
  return markdown.parseInline(text, {}).flatMap((token) => inlinesOf(token.children ?? []));
}

function attribute(token: Token, name: string): string | null {
  const value = token.attrGet(name);
  return value === null ? null : String(value);
}

/** The index of the token that closes the one at `open` (itself when it opens nothing). */
function closing(tokens: readonly Token[], open: number): number {
  if (tokens[open]!.nesting !== 1) return open;
  let depth = 0;
  for (let j = open; j < tokens.length; j += 1) {
    depth += tokens[j]!.nesting;
    if (depth === 0) return j;
  }
  return tokens.length - 1;
}

function blocksOf(tokens: readonly Token[], state: { section: number }): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const end = closing(tokens, i);
    const inner = tokens.slice(i + 1, end);
    i = end;
    switch (token.type) {
      case 'heading_open':
        state.section += 1;
        blocks.push({ type: 'heading', level: Number(token.tag.slice(1)) as 1, children: inlinesOf(inner[0]?.children ?? []), section: state.section });
        break;
      case 'paragraph_open':
        blocks.push(paragraphOf(inner[0]?.children ?? []));
        break;
      case 'fence':
      case 'code_block':
        blocks.push({ type: 'code', lang: token.info.trim().split(/\s+/)[0] || null, text: token.content.replace(/\n$/, '') });
        break;
      case 'blockquote_open':
        blocks.push({ type: 'quote', children: blocksOf(inner, state) });
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        blocks.push(listOf(token, inner, state));
        break;
      case 'table_open':
        blocks.push(tableOf(inner));
        break;
      case 'hr':
        blocks.push({ type: 'rule' });
        break;
      default:
        // Nothing else is produced with HTML off; should a token type appear that this tree does
        // not know, its source shows as text rather than as markup.
        if (token.content) blocks.push({ type: 'paragraph', children: [{ type: 'text', text: token.content }] });
    }
  }
  return blocks;
}

/** A paragraph that is only an image is a figure (its alt text, when the source is refused). */
function paragraphOf(children: readonly Token[]): Block {
  const visible = children.filter((t) => !(t.type === 'text' && t.content.trim() === ''));
  const image = visible.length === 1 && visible[0]!.type === 'image' ? visible[0]! : null;
  if (!image) return { type: 'paragraph', children: inlinesOf(children) };
  const src = safeImageSrc(attribute(image, 'src') ?? '');
  if (src === null) return { type: 'paragraph', children: [{ type: 'text', text: image.content }] };
  return { type: 'figure', src, alt: image.content, title: attribute(image, 'title') };
}

function listOf(open: Token, inner: readonly Token[], state: { section: number }): Block {
  const items: Block[][] = [];
  for (let i = 0; i < inner.length; i += 1) {
    const end = closing(inner, i);
    if (inner[i]!.type === 'list_item_open') items.push(blocksOf(inner.slice(i + 1, end), state));
    i = end;
  }
  const ordered = open.type === 'ordered_list_open';
  return { type: 'list', ordered, start: ordered ? Number(attribute(open, 'start') ?? 1) : 1, items };
}

function tableOf(inner: readonly Token[]): Block {
  const align: ('left' | 'center' | 'right' | null)[] = [];
  const head: Inline[][] = [];
  const rows: Inline[][][] = [];
  let inHead = false;
  for (const token of inner) {
    if (token.type === 'thead_open') inHead = true;
    else if (token.type === 'thead_close') inHead = false;
    else if (token.type === 'tr_open' && !inHead) rows.push([]);
    else if (token.type === 'th_open') align.push((/text-align:(left|center|right)/.exec(attribute(token, 'style') ?? '')?.[1] as 'left') ?? null);
    else if (token.type === 'inline') (inHead ? head : rows[rows.length - 1]!).push(inlinesOf(token.children ?? []));
  }
  return { type: 'table', align, head, rows };
}

type Frame = { node: Extract<Inline, { children: Inline[] }> | null; children: Inline[] };

function inlinesOf(tokens: readonly Token[]): Inline[] {
  const root: Frame = { node: null, children: [] };
  const stack: Frame[] = [root];
  const open = (node: Frame['node']) => stack.push({ node, children: node ? node.children : [] });
  const close = () => {
    const frame = stack.length > 1 ? stack.pop()! : root;
    const parent = stack[stack.length - 1]!;
    // A link whose target was refused leaves its text in place.
    if (frame !== root) parent.children.push(...(frame.node ? [frame.node] : frame.children));
  };
  for (const token of tokens) {
    const here = stack[stack.length - 1]!.children;
    switch (token.type) {
      case 'code_inline':
        here.push({ type: 'code', text: token.content });
        break;
      case 'softbreak':
        here.push({ type: 'text', text: ' ' });
        break;
      case 'hardbreak':
        here.push({ type: 'break' });
        break;
      case 'strong_open':
        open({ type: 'strong', children: [] });
        break;
      case 'em_open':
        open({ type: 'em', children: [] });
        break;
      case 'link_open': {
        const href = safeHref(attribute(token, 'href') ?? '');
        open(href === null ? null : { type: 'link', href, children: [] });
        break;
      }
      case 'strong_close':
      case 'em_close':
      case 'link_close':
        close();
        break;
      case 'image': {
        const src = safeImageSrc(attribute(token, 'src') ?? '');
        here.push(src === null ? { type: 'text', text: token.content } : { type: 'image', src, alt: token.content, title: attribute(token, 'title') });
        break;
      }
      default:
        // text, and anything markdown-it may add later: its characters, as text.
        if (token.content) here.push({ type: 'text', text: token.content });
    }
  }
  while (stack.length > 1) close();
  return root.children;
}

/** A lesson page's h1 is the lesson title, so a leading "# Title" line of the text is not repeated. */
export function withoutLeadingTitle(markdown: string): string {
  return markdown.replace(/^\s*#\s+[^\n]*\n/, '');
}
