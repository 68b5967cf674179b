// The security headers of every response. Static ones are set for every path in next.config.ts
// (static assets included); the Content-Security-Policy carries a fresh nonce per request and is
// set by proxy.ts, which also hands it to Next.js on the request so Next puts the nonce on its
// own scripts (see Next's CSP guide: the nonce is read from the request's CSP header).

/** Headers every response carries, whatever it is. */
export const STATIC_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Nothing of a URL (a sandbox id, a ?next= path) leaves for another site.
  { key: 'Referrer-Policy', value: 'same-origin' },
  // Older browsers without CSP frame-ancestors.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=()' },
  // No other window keeps a handle on ours; nothing of ours is embedded by another origin.
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
];

export interface PolicyContext {
  nonce: string;
  /** Origins of the lab-runners as browsers reach them (http(s)://host:port); their shells are ws(s) there. */
  runnerPublicUrls: string[];
  /** The app is served over https: upgrade anything insecure. */
  https: boolean;
  /** next dev: React needs eval for its debugging aids. */
  development: boolean;
}

/** The WebSocket origin of the runner's shells: ws://host:port for http, wss:// for https. */
export function shellOrigin(runnerPublicUrl: string): string {
  const url = new URL(runnerPublicUrl);
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

/**
 * The page policy. Scripts: only those carrying this response's nonce, and what they load
 * ('strict-dynamic'): the App Router's inline bootstrap and its chunks get the nonce from
 * Next; an injected <script> does not. Styles allow 'unsafe-inline': React renders style
 * attributes and xterm.js writes its theme into <style> elements at run time, neither of which
 * can carry a nonce (and with a nonce present, browsers ignore 'unsafe-inline'). Connections:
 * the app itself and the runners' shell WebSockets, nothing else.
 */
export function contentSecurityPolicy(context: PolicyContext): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'", `'nonce-${context.nonce}'`, "'strict-dynamic'", ...(context.development ? ["'unsafe-eval'"] : [])],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'", ...new Set(context.runnerPublicUrls.map(shellOrigin))],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  if (context.https) directives.push(['upgrade-insecure-requests']);
  return directives.map((d) => d.join(' ')).join('; ');
}

/** 128 random bits, base64: unguessable and unique per response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
