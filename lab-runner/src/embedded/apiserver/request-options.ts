// The query parameters a request's options come from: dryRun, fieldManager, fieldValidation and
// the label/field selectors of a list, each checked with the real server's message.

import type { IncomingMessage } from 'node:http';
import { badRequest } from '../status-error.js';
import type { ListOptions } from './cluster.js';
import type { ResourceInfo } from './resources.js';
import { checkFieldSelector, parseFieldSelector, parseLabelSelector } from './selectors.js';

export function fieldManagerOf(req: IncomingMessage, q: URLSearchParams): string {
  const fm = q.get('fieldManager');
  if (fm) {
    if (fm.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return fm;
  }
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] || 'unknown';
}

export function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dryRun value: "${v}"`);
  return values.length > 0;
}

export type Validation = 'Strict' | 'Warn' | 'Ignore';
export function validationOf(q: URLSearchParams): Validation {
  const v = q.get('fieldValidation');
  if (!v) return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

export function listOptions(q: URLSearchParams, info: ResourceInfo, namespace: string | undefined): ListOptions {
  const fields = parseFieldSelector(q.get('fieldSelector'));
  checkFieldSelector(fields, info.fieldSelectors);
  return { namespace, labels: parseLabelSelector(q.get('labelSelector')), fields };
}
