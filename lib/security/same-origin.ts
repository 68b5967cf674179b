// Cross-site request refusal for the app's state-changing JSON routes (app/api/**), applied in
// proxy.ts before any route runs. The session cookie is SameSite=Lax, which already keeps it off
// cross-site POSTs; but a page on another port of the same host is same-site, and Lax does not
// stop it. The Origin header does: browsers send it on every non-GET request, and a page
// cannot choose it.
//
// The app's own origins: the one it is published at (AUTH_URL) and the one the request was
// addressed to (its Host), as Next.js itself does for server actions. A victim's browser
// always addresses the real host, so a foreign page's request carries a foreign Origin.
// A request without Origin is not from a browser page, except that a browser that sends
// Sec-Fetch-Site without Origin is held to it; a non-browser client holds no victim's cookie.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginFacts {
  method: string;
  origin: string | null;
  secFetchSite: string | null;
  /** Origin the request was addressed to, e.g. http://127.0.0.1:3000 (from its Host). */
  requestOrigin: string;
  /** Origin the app is published at (AUTH_URL), when configured. */
  publicOrigin: string | undefined;
}

export type OriginDecision = { allowed: true } | { allowed: false; reason: string };

export function checkOrigin(facts: OriginFacts): OriginDecision {
  if (SAFE_METHODS.has(facts.method.toUpperCase())) return { allowed: true };
  if (facts.origin === null) {
    if (facts.secFetchSite !== null && facts.secFetchSite !== 'same-origin') {
      return { allowed: false, reason: `a ${facts.secFetchSite} request without Origin` };
    }
    return { allowed: true };
  }
  const own = [facts.requestOrigin, facts.publicOrigin].filter((o): o is string => Boolean(o));
  if (own.includes(facts.origin)) return { allowed: true };
  return { allowed: false, reason: `origin ${facts.origin.slice(0, 200)} is not this app's` };
}

/** The origin of a URL string, or undefined when it is not one. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
