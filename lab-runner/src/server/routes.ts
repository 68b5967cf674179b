// The shape of an HTTP route and the path matcher. Routes are data; the RunnerServer does
// auth, body parsing, error mapping and logging for all of them in one place.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { RunnerError } from '../errors.js';
import type { Logger } from '../log.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  log: Logger;
  /** The JSON body parsed by `schema`; a missing body parses as `{}`. */
  body<T>(schema: z.ZodType<T>): Promise<T>;
  /** Keeps the response open (SSE); `onClose` runs when the client leaves or the server stops. */
  holdOpen(onClose: () => void): void;
}

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string }
  /** The handler wrote the response itself (streams). */
  | { handled: true };

export interface Route {
  method: Method;
  /** e.g. `/v1/sandboxes/:id/checks` */
  path: string;
  /** false only for /healthz */
  auth: boolean;
  handler(ctx: RequestContext): Promise<Reply> | Reply;
}

export interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

/** A percent-decoded path segment; a malformed escape (`%zz`, half a UTF-8 sequence) names nothing: not_found. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RunnerError('not_found', `the path segment ${JSON.stringify(segment.slice(0, 100))} is not valid percent-encoding`);
  }
}

/** The route for `method path`, or a not_found / method_not_allowed error. */
export function matchRoute(routes: CompiledRoute[], method: string, pathname: string): { route: CompiledRoute; params: Record<string, string> } {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, index) => {
      params[name] = decodePathSegment(match[index + 1] ?? '');
    });
    return { route, params };
  }
  if (pathMatched) throw new RunnerError('method_not_allowed', `${method} is not allowed on ${pathname}`);
  throw new RunnerError('not_found', `no route for ${method} ${pathname}`);
}
