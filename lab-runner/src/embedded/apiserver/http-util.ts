// Small HTTP helpers shared by the router and the verbs: bodies, JSON replies, Status replies.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../status-error.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads a request body of at most `limit` bytes; a bigger one gets kube-apiserver's 413. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Refused without buffering more; the rest is read and dropped so the client sees the
    // answer, and a client that keeps sending after it is cut off.
    const refuse = () => {
      reject(new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`));
      req.removeAllListeners('data');
      req.resume();
      setTimeout(() => req.complete || req.destroy(), 2000).unref();
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) return refuse();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) return refuse();
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, err: unknown, headers: Record<string, string | string[]> = {}): void {
  const e =
    err instanceof StatusError
      ? err
      : new StatusError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
  sendJson(res, e.code, e.toStatus(), headers);
}

export const NOT_FOUND_PATH = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
export const METHOD_NOT_ALLOWED = () => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
