// The HTML a lesson, task or hint is shown as: the same markup the page had when the tree was
// rendered as React elements (ids by section, figures only under the figure route, copy buttons),
// every text and attribute escaped, and kept per source and options: a changed text, another
// language's labels or another heading offset is a new rendering, never the kept one.
import { describe, expect, it } from 'vitest';
import { COPY_BUTTON_ATTRIBUTE, escapeHtml, markdownHtml, type MarkdownHtmlOptions } from './markdown-html';

const options: MarkdownHtmlOptions = {
  headingOffset: 0,
  idPrefix: 'section',
  copyLabels: { copy: 'Copy', copied: 'Copied', label: 'Copy this code to the clipboard' },
  classes: { figure: 'fig', inlineImage: 'inl', tableWrap: 'tw', codeBlock: 'cb', copyButton: 'btn', visuallyHidden: 'vh' },
};

describe('markdown as HTML', () => {
  it('writes headings with section ids, figures under the figure route and code blocks with a copy button', () => {
    const source = '# Title\n\nSome *text* and `code`.\n\n![A diagram](volumes.svg "Figure 1")\n\n![Elsewhere](https://example.test/x.svg)\n\n## Next\n\n```yaml\nkind: Pod\n```\n';
    expect(markdownHtml(source, { ...options, figureBase: '/courses/pods/volumes/figures' })).toBe(
      '<h1 id="section-1" data-section="1" tabindex="-1">Title</h1>' +
        '<p>Some <em>text</em> and <code>code</code>.</p>' +
        '<figure class="fig"><img src="/courses/pods/volumes/figures/volumes.svg" alt="A diagram" loading="lazy" decoding="async"/><figcaption>Figure 1</figcaption></figure>' +
        '<p>Elsewhere</p>' +
        '<h2 id="section-2" data-section="2" tabindex="-1">Next</h2>' +
        `<div class="cb"><pre tabindex="0" aria-label="yaml"><code data-lang="yaml">kind: Pod</code></pre><button type="button" class="btn" aria-label="Copy this code to the clipboard" ${COPY_BUTTON_ATTRIBUTE}="">Copy</button><span class="vh" role="status" aria-live="polite"></span></div>`,
    );
    // Without a figure route (hints, previews) every image is its alt text.
    expect(markdownHtml('![A diagram](volumes.svg)', options)).toBe('<p>A diagram</p>');
  });

  it('escapes text, code and attribute values, so no source text becomes markup', () => {
    const html = markdownHtml('<script>alert(1)</script> & "quoted"\n\n```a"b\n</code><img src=x onerror=alert(1)>\n```\n\n[x](/a"onmouseover="b)\n\n| h<1> |\n|---|\n| c |\n', options);
    expect(html).not.toMatch(/<script|<img|onmouseover="/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;');
    expect(html).toContain('<code data-lang="a&quot;b">&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;</code>');
    expect(html).toContain('<a href="/a%22onmouseover=%22b">x</a>');
    expect(html).toContain('aria-label="h&lt;1&gt;"');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('keeps a rendering per source and options, and renders again when any of them changes', () => {
    const first = markdownHtml('## Kept\n\n```\nx\n```', options);
    expect(markdownHtml('## Kept\n\n```\nx\n```', options)).toBe(first);
    expect(markdownHtml('## Kept, edited\n\n```\nx\n```', options)).toContain('Kept, edited');
    expect(markdownHtml('## Kept\n\n```\nx\n```', { ...options, copyLabels: { copy: '复制', copied: '已复制', label: '复制这段代码' } })).toContain('>复制</button>');
    expect(markdownHtml('## Kept\n\n```\nx\n```', { ...options, headingOffset: 2 })).toMatch(/^<h4 /);
    expect(markdownHtml('## Kept\n\n```\nx\n```', { ...options, idPrefix: 'task' })).toContain('id="task-1"');
  });
});
