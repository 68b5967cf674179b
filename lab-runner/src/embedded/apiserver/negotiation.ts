// Content negotiation: how a response is rendered for the request's Accept header (the object
// itself, a meta.k8s.io Table, or PartialObjectMetadata) and the list kinds that go with it.

import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../k8s-types.js';
import { badRequest } from '../status-error.js';
import type { ResourceInfo } from './resources.js';
import { table, type IncludeObject } from './tables.js';

export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function wantsMetadata(req: IncomingMessage): 'object' | 'list' | undefined {
  const accept = req.headers.accept ?? '';
  if (/as=PartialObjectMetadataList/.test(accept)) return 'list';
  if (/as=PartialObjectMetadata/.test(accept)) return 'object';
  return undefined;
}

export function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === 'None' || v === 'Object' || v === 'Metadata') return v;
  if (v) throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
  return 'Metadata';
}

export function listKind(info: ResourceInfo) {
  return `${info.kind}List`;
}

export function metadataOnly(o: KubeObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** Renders one object the way the request's Accept header asks. */
export function renderObject(req: IncomingMessage, q: URLSearchParams, info: ResourceInfo, o: KubeObject): unknown {
  if (wantsTable(req)) return table(info.name, [o], includeObject(q), { resourceVersion: o.metadata.resourceVersion });
  if (wantsMetadata(req)) return metadataOnly(o);
  return o;
}
