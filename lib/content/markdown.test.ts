// The lesson Markdown parser: the constructs the course content uses, and that raw HTML and
// script links never become markup.
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';

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
});
