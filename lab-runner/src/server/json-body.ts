// Reads a request body as JSON with a size cap; the cap is enforced while streaming so an
// oversized body never sits in memory.

import type { IncomingMessage } from 'node:http';
import { RunnerError } from '../errors.js';

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    throw new RunnerError('payload_too_large', `request body exceeds ${limitBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new RunnerError('payload_too_large', `request body exceeds ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    throw new RunnerError('unsupported_media_type', 'request body must be application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new RunnerError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
