// One safe-link policy for lesson links, lesson images and sign-in redirects: each hostile
// target below is neutralised in all three, and ordinary targets still work.
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, type Block, type Inline } from '../content/markdown';
import { safeNextPath } from '../authz-policy';
import { safeLinkTarget } from './safe-link';

const HOSTILE = [
  '\x01javascript:alert(1)',
  ' javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  '//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  'javascript%3Aalert(1)',
  '%6A%61%76%61%73%63%72%69%70%74:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;avascript:alert(1)',
  'javascript&colon;alert(1)',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  '&#47;&#47;evil.example',
  '%252F%252Fevil.example',
];

function links(spans: readonly Inline[]): string[] {
  return spans.flatMap((s) => (s.type === 'link' ? [s.href, ...links(s.children)] : s.type === 'strong' || s.type === 'em' ? links(s.children) : []));
}

function imageSources(blocks: readonly Block[]): string[] {
  return blocks.flatMap((b) => {
    if (b.type === 'figure') return [b.src];
    if (b.type === 'paragraph') return b.children.flatMap((s) => (s.type === 'image' ? [s.src] : []));
    return [];
  });
}

describe('lesson links', () => {
  it.each(HOSTILE)('%j renders as text, not a link', (target) => {
    const spans = parseInline(`see [here](${target}) now`);
    expect(links(spans)).toEqual([]);
    expect(spans.map((s) => (s.type === 'text' ? s.text : '')).join('')).toContain('here');
  });

  it('keeps relative, anchor, mail and https links', () => {
    for (const target of ['/courses/pods', '../pods', 'pods#probes', '#section-2', '?tab=hints', 'mailto:team@example.com', 'https://kubernetes.io/docs/', 'http://localhost:3000/x', 'https://example.com/a%20b']) {
      expect(links(parseInline(`[x](${target})`)), target).toEqual([target]);
    }
  });
});

describe('lesson images', () => {
  it.each(HOSTILE)('%j is shown as its alt text, never as an image', (target) => {
    const figure = parseMarkdown(`![diagram](${target})`);
    const inline = parseMarkdown(`before ![diagram](${target}) after`);
    expect(imageSources([...figure, ...inline])).toEqual([]);
    expect(JSON.stringify(figure)).toContain('diagram');
  });

  it('keeps relative and https images, refuses mail and plain http', () => {
    expect(imageSources(parseMarkdown('![a](pause.svg)\n\ntext ![b](https://kubernetes.io/logo.png)'))).toEqual(['pause.svg', 'https://kubernetes.io/logo.png']);
    expect(imageSources(parseMarkdown('![a](mailto:x@example.com)\n\n![b](http://tracker.example/p.gif)'))).toEqual([]);
  });
});

describe('sign-in redirects', () => {
  it.each(HOSTILE)('%j is refused', (target) => {
    expect(safeNextPath(target)).toBeUndefined();
  });

  it('accepts same-site paths only', () => {
    for (const path of ['/', '/courses/pods?x=1', '/exercises/pods-101#task', '/courses/%E4%B8%AD%E6%96%87']) expect(safeNextPath(path), path).toBe(path);
    for (const bad of ['https://kubelab.example/', 'courses/pods', ' /courses', '/courses ', 'x'.repeat(600)]) expect(safeNextPath(bad), bad).toBeUndefined();
  });
});

describe('safeLinkTarget', () => {
  it('refuses what cannot be decoded and overlong targets', () => {
    expect(safeLinkTarget('/%E0%A4%A', ['https'])).toBeNull();
    expect(safeLinkTarget(`/${'a'.repeat(3000)}`, ['https'])).toBeNull();
    expect(safeLinkTarget('  /ok  ', [])).toBe('/ok');
  });
});
