import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './lib/security/headers';

const config: NextConfig = {
  // The PostgreSQL Prisma client is generated into node_modules (prisma/generate.ts) and loads
  // its query compiler from its own directory at run time, as @prisma/client does: load it
  // from node_modules instead of bundling it.
  serverExternalPackages: ['.prisma/client-postgresql', '@prisma/adapter-pg', '@prisma/adapter-better-sqlite3'],
  // forbidden() renders app/forbidden.tsx with status 403 for a signed-in user without the role.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // No gzip in the web server: Next compresses every page in the server's one JavaScript thread,
  // chunk by chunk as it streams, which cost about a tenth of a page's CPU time (bench/pages.ts).
  // The reverse proxy in front of a deployment, which terminates TLS, compresses instead (README, "Pages and compression").
  compress: false,
  // Every path, static assets included; the per-request Content-Security-Policy is set in proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
  },
  reactStrictMode: true,
};

export default config;
