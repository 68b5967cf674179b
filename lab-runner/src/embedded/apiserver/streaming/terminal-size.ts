// Resize messages from kubectl: JSON `{"Width":80,"Height":24}`, one per line on the SPDY
// resize stream, one per message on WebSocket channel 4.

import { z } from 'zod';
import type { TerminalSize } from '../../node-contract.js';

const ResizeMessage = z.object({
  Width: z.number().int().min(0).max(65535),
  Height: z.number().int().min(0).max(65535),
});

/** Parses one resize message; null for anything malformed (a kubelet logs and ignores those). */
export function parseResizeMessage(text: string): TerminalSize | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return null;
  }
  const parsed = ResizeMessage.safeParse(json);
  return parsed.success ? { width: parsed.data.Width, height: parsed.data.Height } : null;
}

/** Longest resize line buffered while waiting for its newline; anything longer is dropped. */
const MAX_LINE = 4096;

/** Splits a byte stream of newline-separated resize messages. */
export class ResizeLineDecoder {
  private pending = '';

  /** Returns the sizes completed by `chunk`, in order. */
  push(chunk: Buffer): TerminalSize[] {
    this.pending += chunk.toString('utf8');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    if (this.pending.length > MAX_LINE) this.pending = '';
    return lines.map(parseResizeMessage).filter((size): size is TerminalSize => size !== null);
  }

  /** The stream ended: a last message without a newline still counts. */
  end(): TerminalSize[] {
    const last = parseResizeMessage(this.pending);
    this.pending = '';
    return last ? [last] : [];
  }
}
