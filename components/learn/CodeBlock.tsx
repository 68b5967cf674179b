'use client';
// A code block with a copy button; the button says "Copied" for a moment (announced politely).
import { useState } from 'react';
import styles from './learn.module.css';

export function CodeBlock({ code, lang, labels }: { code: string; lang: string | null; labels: { copy: string; copied: string; label: string } }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
    } catch {
      // Clipboard API refused (insecure context): fall back to a hidden textarea.
      const area = document.createElement('textarea');
      area.value = code;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  }
  return (
    <div className={styles.codeBlock}>
      <pre tabIndex={0} aria-label={lang ?? undefined}>
        <code data-lang={lang ?? undefined}>{code}</code>
      </pre>
      <button type="button" className={styles.copyButton} onClick={copy} aria-label={copied ? labels.copied : labels.label}>
        {copied ? labels.copied : labels.copy}
      </button>
      <span className={styles.visuallyHidden} role="status" aria-live="polite">
        {copied ? labels.copied : ''}
      </span>
    </div>
  );
}
