// The lesson Markdown parser: the constructs the course content uses, and that raw HTML and
// script links never become markup.
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref, type Block, type Inline } from './markdown';

/** Every link and image target anywhere in a tree. */
function targets(nodes: readonly (Block | Inline)[]): string[] {
  return nodes.flatMap((node): string[] => {
    switch (node.type) {
      case 'link':
        return [node.href, ...targets(node.children)];
      case 'image':
      case 'figure':
        return [node.src];
      case 'heading':
      case 'paragraph':
      case 'strong':
      case 'em':
      case 'quote':
        return targets(node.children);
      case 'list':
        return node.items.flatMap(targets);
      case 'table':
        return [...node.head, ...node.rows.flat()].flatMap(targets);
      default:
        return [];
    }
  });
}

/** The text a reader sees of a tree (links and images by their text). */
function visibleText(nodes: readonly (Block | Inline)[]): string {
  return nodes
    .map((node): string => {
      if (node.type === 'text' || node.type === 'code') return node.text;
      if (node.type === 'image' || node.type === 'figure') return node.alt;
      if ('children' in node) return visibleText(node.children);
      if (node.type === 'list') return node.items.map(visibleText).join(' ');
      return '';
    })
    .join('');
}

describe('parseMarkdown', () => {
  it('parses headings with section numbers, paragraphs, fenced code and figures', () => {
    const blocks = parseMarkdown('# Title\n\nSome *text* and **bold** `code`.\nsame paragraph\n\n```yaml\napiVersion: v1\n  kind: Pod\n```\n\n![The pause container](pause.svg "Fig 1")\n\n## Next');
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'code', 'figure', 'heading']);
    expect(blocks[0]).toMatchObject({ level: 1, section: 1 });
    expect(blocks[4]).toMatchObject({ level: 2, section: 2 });
    expect(blocks[2]).toEqual({ type: 'code', lang: 'yaml', text: 'apiVersion: v1\n  kind: Pod' });
    expect(blocks[3]).toEqual({ type: 'figure', src: 'pause.svg', alt: 'The pause container', title: 'Fig 1' });
    expect(blocks[1]).toMatchObject({
      children: [
        { type: 'text', text: 'Some ' },
        { type: 'em', children: [{ type: 'text', text: 'text' }] },
        { type: 'text', text: ' and ' },
        { type: 'strong', children: [{ type: 'text', text: 'bold' }] },
        { type: 'text', text: ' ' },
        { type: 'code', text: 'code' },
        { type: 'text', text: '.' },
        { type: 'text', text: ' ' },
        { type: 'text', text: 'same paragraph' },
      ],
    });
  });

  it('parses nested lists with code blocks inside items, quotes and tables', () => {
    const md = [
      '1. First',
      '2. Second with a block:',
      '',
      '   ```sh',
      '   kubectl get pods',
      '   ```',
      '',
      '   - nested one',
      '   - nested two',
      '3. Third',
      '',
      '> **Tip:** a quote',
      '',
      '| Field | Meaning |',
      '| --- | :-: |',
      '| `name` | the name \\| id |',
    ].join('\n');
    const blocks = parseMarkdown(md);
    expect(blocks.map((b) => b.type)).toEqual(['list', 'quote', 'table']);
    const list = blocks[0] as Extract<(typeof blocks)[number], { type: 'list' }>;
    expect(list.ordered).toBe(true);
    expect(list.items).toHaveLength(3);
    expect(list.items[1]!.map((b) => b.type)).toEqual(['paragraph', 'code', 'list']);
    expect(list.items[1]![1]).toEqual({ type: 'code', lang: 'sh', text: 'kubectl get pods' });
    const table = blocks[2] as Extract<(typeof blocks)[number], { type: 'table' }>;
    expect(table.align).toEqual([null, 'center']);
    expect(table.rows[0]![1]).toEqual([{ type: 'text', text: 'the name | id' }]);
  });

  it('keeps HTML as text and drops dangerous links', () => {
    expect(parseMarkdown('<script>alert(1)</script>')).toEqual([{ type: 'paragraph', children: [{ type: 'text', text: '<script>alert(1)</script>' }] }]);
    expect(parseInline('[x](javascript:alert(1))')[0]).toMatchObject({ type: 'text' });
    expect(safeHref('JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeHref('//evil.example')).toBeNull();
    expect(safeHref('https://kubernetes.io/docs/')).toBe('https://kubernetes.io/docs/');
    expect(parseInline('snake_case_name stays')).toEqual([{ type: 'text', text: 'snake_case_name stays' }]);
  });

  it.each([
    ['a script element', '<script>alert(1)</script>'],
    ['an element with a handler', 'text <img src=x onerror="alert(1)"> text'],
    ['an HTML block', '<div onclick="alert(1)">\n\n*x*\n\n</div>'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a javascript: link in angle brackets', '[x](<javascript:alert(1)>)'],
    ['a javascript: reference link', '[x][r]\n\n[r]: javascript:alert(1)'],
    ['a javascript: reference image', '![x][r]\n\n[r]: javascript:alert(1)'],
    ['a javascript: image', '![x](javascript:alert(1))'],
    ['a control character before javascript:', '[x](\x01javascript:alert(1))'],
    ['a network path written /\\host', '[x](/\\evil.example)'],
    ['a network path written /\\host in a reference', '[x][r]\n\n[r]: /\\evil.example'],
    ['a network path written /\\host in an image', '![x](/\\evil.example/p.png)'],
    ['a data: link', '[x](data:text/html,<script>alert(1)</script>)'],
    ['a data: image', '![x](data:image/png;base64,iVBORw0KGgo=)'],
    ['a data: autolink', '<data:text/html,alert(1)>'],
    ['a numeric character reference', '[x](&#106;avascript:alert(1))'],
    ['a hex character reference', '[x](&#x6A;avascript:alert(1))'],
    ['a named character reference', '[x](javascript&colon;alert(1))'],
    ['a percent-encoded scheme', '[x](%6A%61%76%61%73%63%72%69%70%74:alert(1))'],
    ['a vbscript: link', '[x](vbscript:msgbox(1))'],
    ['plain http image (trackers)', '![x](http://tracker.example/p.gif)'],
  ])('never makes markup of %s', (_what, source) => {
    const blocks = parseMarkdown(source);
    expect(targets(blocks)).toEqual([]);
    // Everything shown is text, so nothing of the source can act as HTML.
    expect(JSON.stringify(blocks)).not.toMatch(/"type":"(?:link|image|figure)"/);
  });

  it('shows HTML and character references as the text they stand for', () => {
    expect(visibleText(parseMarkdown('a <b onclick="x">bold</b> &lt;i&gt; &amp; &#35;'))).toBe('a <b onclick="x">bold</b> <i> & #');
  });

  it('keeps safe autolinks, reference links and the link text of refused ones', () => {
    expect(targets(parseMarkdown('<https://kubernetes.io/docs/> and [docs][k]\n\n[k]: https://kubernetes.io/zh-cn/docs/'))).toEqual([
      'https://kubernetes.io/docs/',
      'https://kubernetes.io/zh-cn/docs/',
    ]);
    expect(visibleText(parseInline('see [the **docs**](javascript:alert(1)) now'))).toContain('the');
  });

  it('reads emphasis beside CJK punctuation as the author meant it', () => {
    expect(parseInline('**注意：**这是重点')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: '注意：' }] },
      { type: 'text', text: '这是重点' },
    ]);
    expect(parseInline('这是**“引号”**的例子')[1]).toEqual({ type: 'strong', children: [{ type: 'text', text: '“引号”' }] });
  });
});

