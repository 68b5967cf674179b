// Request body decoding: JSON, YAML or protobuf by Content-Type into one object of the
// resource's kind, with unknown fields dropped and reported as fieldValidation asks.

import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../k8s-types.js';
import { StatusError, badRequest } from '../status-error.js';
import { checkFields, strictDecodingMessage } from './field-check.js';
import { readBody } from './http-util.js';
import { decodeProtobufObject } from './protobuf.js';
import { validationOf, type Validation } from './request-options.js';
import type { ResourceInfo } from './resources.js';
import { yamlToJson } from './yaml-body.js';

export function decodeBody(req: IncomingMessage, body: Buffer): unknown {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
  const text = body.toString('utf8');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return yamlToJson(text);
  if (type !== 'application/json' && !type.endsWith('+json'))
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function asObject(v: unknown, info: ResourceInfo): KubeObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest(`${info.kind} in version "v1" cannot be handled as a ${info.kind}: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type struct`);
  const o = v as KubeObject;
  if (o.kind !== undefined && o.kind !== info.kind)
    throw badRequest(`${info.kind} in version "v1" cannot be handled as a ${info.kind}: the kind in the body (${o.kind}) does not match the resource (${info.kind})`);
  if (o.apiVersion !== undefined && o.apiVersion !== 'v1')
    throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (v1)`);
  o.metadata ??= {};
  return o;
}

/** Drops unknown fields and reports them as fieldValidation asks: returns the Warning headers. */
export function checkDecoded(obj: KubeObject, info: ResourceInfo, validation: Validation): string[] {
  const { unknown } = checkFields(obj as unknown as Record<string, unknown>, info.definition, info.kind);
  if (unknown.length === 0 || validation === 'Ignore') return [];
  if (validation === 'Strict') throw badRequest(strictDecodingMessage(info.kind, unknown));
  // A header carries bytes, not text: characters beyond ASCII in a field name are escaped, or Node refuses the header (500).
  return unknown.map((u) => `299 - ${JSON.stringify(`unknown field "${u}"`).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
}

/** The whole object of a create or update: fieldValidation checked first, then the body read, decoded and checked. */
export async function readObject(req: IncomingMessage, q: URLSearchParams, info: ResourceInfo, bodyLimit: number): Promise<{ obj: KubeObject; warnings: string[] }> {
  const validation = validationOf(q);
  const obj = asObject(decodeBody(req, await readBody(req, bodyLimit)), info);
  return { obj, warnings: checkDecoded(obj, info, validation) };
}

/** The response headers that carry decoding warnings, if any. */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { Warning: warnings } : {};
}
