// The one safe-link policy: which URLs content may link to or show as images, and which
// post-sign-in destinations a request may ask for. Both judge a URL as a browser would read it
// (control characters dropped, `\` taken as `/`, percent and HTML character references decoded),
// so a target that only looks harmless (`\x01javascript:`, `/\evil.example`, `&#106;avascript:`)
// is refused. Shared by lib/content/markdown.ts and the sign-in redirect check.

const MAX_LENGTH = 2048;
const MAX_NEXT_PATH_LENGTH = 512;
const CONTROL = /[\u0000-\u001f\u007f]/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const NAMED_REFERENCES: Record<string, string> = {
  colon: ':', sol: '/', bsol: '\\', tab: '\t', newline: '\n', amp: '&', period: '.', num: '#', quest: '?', percnt: '%',
};

/** Schemes a lesson, hint or solution may link to; images may only use https and relative paths. */
export const LINK_SCHEMES = ['http', 'https', 'mailto'] as const;
export const IMAGE_SCHEMES = ['https'] as const;

/**
 * `target` (trimmed of surrounding spaces) when every reading of it is a relative reference or
 * uses one of `schemes`; null otherwise. Network-path references (`//host`, `/\host`, `\\host`)
 * are always refused: they leave the site without saying so.
 */
export function safeLinkTarget(target: string, schemes: readonly string[]): string | null {
  const trimmed = target.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_LENGTH || CONTROL.test(trimmed)) return null;
  for (const reading of readings(trimmed)) {
    if (reading === null || CONTROL.test(reading)) return null;
    const browserForm = reading.trim().replace(/\\/g, '/');
    if (browserForm.startsWith('//')) return null;
    const scheme = SCHEME.exec(browserForm)?.[1]?.toLowerCase();
    if (scheme !== undefined && !schemes.includes(scheme)) return null;
  }
  return trimmed;
}

/**
 * A post-sign-in destination taken from the request, accepted only as a same-site path
 * ("/x"): the same policy with no scheme allowed, and the value must start with one `/`.
 */
export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_NEXT_PATH_LENGTH || value !== value.trim()) return undefined;
  if (!value.startsWith('/')) return undefined;
  return safeLinkTarget(value, []) ?? undefined;
}

/** The text, then each further decoding of it; null for a reading that cannot be decoded. */
function readings(text: string): Array<string | null> {
  const out: Array<string | null> = [text];
  let current = text;
  for (let round = 0; round < 4; round += 1) {
    const next = decodePercent(decodeReferences(current));
    if (next === current) break;
    out.push(next);
    if (next === null) break;
    current = next;
  }
  return out;
}

function decodePercent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape: no browser reading of it is predictable enough to allow.
    return null;
  }
}

function decodeReferences(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));?/gi, (whole, hex?: string, dec?: string, name?: string) => {
    if (hex !== undefined || dec !== undefined) {
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED_REFERENCES[(name ?? '').toLowerCase()] ?? whole;
  });
}
