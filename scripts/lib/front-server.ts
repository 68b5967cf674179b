// The web app's HTTP listener in front of Next.js: the one place that sees the socket. Every
// request gets CLIENT_ADDRESS_HEADER set from the real peer (and X-Forwarded-For only when that
// peer is a trusted proxy), replacing whatever the client sent under that name.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CLIENT_ADDRESS_HEADER, resolveClientAddress, type TrustedProxies } from '../../lib/client-address';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createFrontServer(handle: RequestHandler, trusted: TrustedProxies): Server {
  return createServer((req, res) => {
    req.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);
    // Next's request objects are built from `headers`; the raw list is cleaned too so no layer
    // reading it can find the client's own value.
    for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
      if (req.rawHeaders[i]!.toLowerCase() === CLIENT_ADDRESS_HEADER) req.rawHeaders.splice(i, 2);
    }
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
      console.error('[web] request failed:', error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}
