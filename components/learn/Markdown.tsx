// Renders lesson and task Markdown (parsed by lib/content/markdown) as React elements on the
// server. Headings get ids by section number (`section-3`), the same in every language, so
// a language switch can return the reader to the same place. Images resolve through
// `resolveImage` (the lesson's figure route); code blocks get a copy button.
import type { ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from '@/lib/content/markdown';
import { CodeBlock } from './CodeBlock';
import styles from './learn.module.css';

export interface MarkdownProps {
  source: string;
  /** Maps an image path from the source to a URL; null drops the image (its alt text stays). */
  resolveImage?: (src: string) => string | null;
  copyLabels: { copy: string; copied: string; label: string };
  /** Heading levels are shifted so the document outline stays right under the page's h1. */
  headingOffset?: number;
  /** Prefix for heading ids when several documents share a page. */
  idPrefix?: string;
}

export function Markdown({ source, resolveImage, copyLabels, headingOffset = 0, idPrefix = 'section' }: MarkdownProps) {
  const blocks = parseMarkdown(source);
  const ctx: Ctx = { resolveImage: resolveImage ?? (() => null), copyLabels, headingOffset, idPrefix };
  return <div className={styles.prose}>{renderBlocks(blocks, ctx)}</div>;
}

interface Ctx {
  resolveImage: (src: string) => string | null;
  copyLabels: MarkdownProps['copyLabels'];
  headingOffset: number;
  idPrefix: string;
}

function renderBlocks(blocks: Block[], ctx: Ctx): ReactNode[] {
  return blocks.map((block, index) => renderBlock(block, ctx, index));
}

function renderBlock(block: Block, ctx: Ctx, key: number): ReactNode {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(6, block.level + ctx.headingOffset);
      const Tag = `h${level}` as 'h2';
      return (
        <Tag key={key} id={`${ctx.idPrefix}-${block.section}`} data-section={block.section} tabIndex={-1}>
          {renderInline(block.children, ctx)}
        </Tag>
      );
    }
    case 'paragraph':
      return <p key={key}>{renderInline(block.children, ctx)}</p>;
    case 'figure': {
      const src = ctx.resolveImage(block.src);
      if (!src) return <p key={key}>{block.alt}</p>;
      return (
        <figure key={key} className={styles.figure}>
          {/* Lesson diagrams are SVG files served by the figure route; next/image adds nothing for them. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={src} alt={block.alt} loading="lazy" decoding="async" />
          {block.title ? <figcaption>{block.title}</figcaption> : null}
        </figure>
      );
    }
    case 'code':
      return <CodeBlock key={key} code={block.text} lang={block.lang} labels={ctx.copyLabels} />;
    case 'quote':
      return <blockquote key={key}>{renderBlocks(block.children, ctx)}</blockquote>;
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{renderListItem(item, ctx)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'table':
      return (
        <div key={key} className={styles.tableWrap} role="region" aria-label={block.head.map((h) => textOf(h)).join(', ')} tabIndex={0}>
          <table>
            <thead>
              <tr>
                {block.head.map((cell, i) => (
                  <th key={i} scope="col" style={block.align[i] ? { textAlign: block.align[i]! } : undefined}>
                    {renderInline(cell, ctx)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i} style={block.align[i] ? { textAlign: block.align[i]! } : undefined}>
                      {renderInline(cell, ctx)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'rule':
      return <hr key={key} />;
  }
}

/** A tight list item (one paragraph) renders without the <p> wrapper. */
function renderListItem(blocks: Block[], ctx: Ctx): ReactNode {
  if (blocks.length >= 1 && blocks[0]!.type === 'paragraph') {
    const [first, ...rest] = blocks;
    return (
      <>
        {renderInline((first as Extract<Block, { type: 'paragraph' }>).children, ctx)}
        {renderBlocks(rest, ctx)}
      </>
    );
  }
  return renderBlocks(blocks, ctx);
}

function textOf(spans: Inline[]): string {
  return spans.map((s) => (s.type === 'text' || s.type === 'code' ? s.text : s.type === 'image' ? s.alt : s.type === 'break' ? ' ' : textOf(s.children))).join('');
}

function renderInline(spans: Inline[], ctx: Ctx): ReactNode[] {
  return spans.map((span, key) => {
    switch (span.type) {
      case 'text':
        return span.text;
      case 'code':
        return <code key={key}>{span.text}</code>;
      case 'strong':
        return <strong key={key}>{renderInline(span.children, ctx)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(span.children, ctx)}</em>;
      case 'break':
        return <br key={key} />;
      case 'link': {
        const external = /^https?:/i.test(span.href);
        return (
          <a key={key} href={span.href} {...(external ? { rel: 'noopener noreferrer', target: '_blank' } : {})}>
            {renderInline(span.children, ctx)}
          </a>
        );
      }
      case 'image': {
        const src = ctx.resolveImage(span.src);
        // eslint-disable-next-line @next/next/no-img-element
        return src ? <img key={key} src={src} alt={span.alt} className={styles.inlineImage} /> : span.alt;
      }
    }
  });
}
