// Runs before every page and route (Next.js Proxy, Node.js runtime):
// - state-changing /api requests from another origin are refused with 403 (lib/security/same-origin.ts);
// - every response gets a Content-Security-Policy with a fresh nonce, which Next.js reads from
//   the request's own CSP header and puts on its scripts (lib/security/headers.ts).
// The other security headers are static and set for every path in next.config.ts.
import { NextResponse, type NextRequest } from 'next/server';
import { runnerPublicUrls } from './lib/runner/public-url';
import { contentSecurityPolicy, newNonce } from './lib/security/headers';
import { checkOrigin, originOf } from './lib/security/same-origin';

export function proxy(request: NextRequest) {
  const publicOrigin = originOf(process.env.AUTH_URL);
  if (request.nextUrl.pathname.startsWith('/api/')) {
    const host = request.headers.get('host') ?? request.nextUrl.host;
    const protocol = request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(/:$/, '');
    const decision = checkOrigin({
      method: request.method,
      origin: request.headers.get('origin'),
      secFetchSite: request.headers.get('sec-fetch-site'),
      requestOrigin: `${protocol}://${host}`,
      publicOrigin,
    });
    if (!decision.allowed) {
      return NextResponse.json(
        { error: { code: 'FORBIDDEN_ORIGIN', message: `cross-origin request refused: ${decision.reason}` } },
        { status: 403, headers: { 'cache-control': 'no-store' } },
      );
    }
  }
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    runnerPublicUrls: runnerPublicUrls(process.env),
    https: publicOrigin?.startsWith('https:') ?? false,
    development: process.env.NODE_ENV === 'development',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  if (publicOrigin?.startsWith('https:')) response.headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  return response;
}

export const config = {
  // Everything but Next's hashed build assets (static files without inline code).
  matcher: ['/((?!_next/static|_next/image).*)'],
};
