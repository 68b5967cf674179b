'use client';
// Rendered Markdown (lib/content/markdown-html) on the page, with its code blocks' copy buttons:
// one click handler for the whole text. A button says "Copied" for a moment, announced politely.
import type { MouseEvent } from 'react';
import { COPY_BUTTON_ATTRIBUTE } from '@/lib/content/markdown-html';
import styles from './learn.module.css';

const COPIED_MS = 2000;
const resets = new WeakMap<HTMLButtonElement, number>();

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (insecure context): fall back to a hidden textarea.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function ProseHtml({ html, labels }: { html: string; labels: { copy: string; copied: string; label: string } }) {
  async function onClick(event: MouseEvent<HTMLDivElement>) {
    const button = (event.target as Element).closest<HTMLButtonElement>(`button[${COPY_BUTTON_ATTRIBUTE}]`);
    const block = button?.parentElement;
    if (!button || !block || !event.currentTarget.contains(button)) return;
    await copyText(block.querySelector('code')?.textContent ?? '');
    const status = block.querySelector('[role="status"]');
    const show = (copied: boolean) => {
      button.textContent = copied ? labels.copied : labels.copy;
      button.setAttribute('aria-label', copied ? labels.copied : labels.label);
      if (status) status.textContent = copied ? labels.copied : '';
    };
    show(true);
    window.clearTimeout(resets.get(button));
    resets.set(button, window.setTimeout(() => show(false), COPIED_MS));
  }
  return <div className={styles.prose} dangerouslySetInnerHTML={{ __html: html }} onClick={(event) => void onClick(event)} />;
}
