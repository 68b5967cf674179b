// The browser's calls to the authoring API. Refusals arrive as {error: {code, message, problems?,
// current?, diff?}} and become AuthorApiError, which the pages turn into localized text.
import type { AuthorMessages } from '@/messages/author';

export interface Problem {
  file: string;
  line?: number;
  column?: number;
  path: string;
  message: string;
}

export interface DiffRow {
  kind: 'same' | 'removed' | 'added' | 'changed';
  left: { line: number; text: string } | null;
  right: { line: number; text: string } | null;
}

export class AuthorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
    readonly current?: { text: string; revision: number },
    readonly diff: DiffRow[] = [],
  ) {
    super(message);
  }
}

export async function authorCall<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string; problems?: Problem[]; current?: { text: string; revision: number }; diff?: DiffRow[] } } | null;
  if (!response.ok) {
    const e = json?.error;
    throw new AuthorApiError(response.status, e?.code ?? `http_${response.status}`, e?.message ?? response.statusText, e?.problems ?? [], e?.current, e?.diff ?? []);
  }
  return json as T;
}

const fill = (template: string, vars: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (w, k: string) => (k in vars ? String(vars[k]) : w));

/** A refusal in the reader's language: the localized headline, then the server's detail. */
export function describeAuthorError(error: unknown, m: AuthorMessages['errors']): string {
  if (error instanceof AuthorApiError) {
    const headline = (m as Record<string, string>)[error.code];
    if (headline) return `${headline} ${error.message}`;
    if (error.status >= 500 || error.status === 429 || error.status === 422) return fill(m.runner, { message: error.message });
    return fill(m.generic, { message: error.message });
  }
  return fill(m.generic, { message: (error as Error).message });
}

export function problemText(p: Problem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

export { fill };
