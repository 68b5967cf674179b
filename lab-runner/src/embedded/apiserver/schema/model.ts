// A small model of the served types' schemas. One source drives the OpenAPI documents
// (`kubectl explain`), strict field validation (unknown fields), and the strategic-merge
// list keys used by PATCH and server-side apply.

export type Schema =
  | { type: 'string'; format?: string; enum?: string[] }
  | { type: 'integer'; format: 'int32' | 'int64' }
  | { type: 'number'; format?: 'double' }
  | { type: 'boolean' }
  | { type: 'ref'; name: string }
  | {
      type: 'array';
      items: Schema;
      /** Strategic merge: list entries are matched by this key. */
      mergeKey?: string;
      patchStrategy?: 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
      listType?: 'atomic' | 'map' | 'set';
      listMapKeys?: string[];
    }
  | { type: 'map'; values: Schema }
  /** Any JSON object: kept as sent, never checked. */
  | { type: 'object' };

export interface Field {
  schema: Schema;
  description: string;
}

export interface Definition {
  description: string;
  fields: Record<string, Field>;
  required?: string[];
  gvk?: { group: string; version: string; kind: string };
  /** A scalar type that is spelled as a string on the wire (Quantity, Time, IntOrString). */
  scalar?: { type: 'string'; format?: string } | { intOrString: true };
}

export const S: Schema = { type: 'string' };
export const I32: Schema = { type: 'integer', format: 'int32' };
export const I64: Schema = { type: 'integer', format: 'int64' };
export const B: Schema = { type: 'boolean' };
export const ANY: Schema = { type: 'object' };
export const TIME: Schema = { type: 'ref', name: 'meta.Time' };
export const QUANTITY: Schema = { type: 'ref', name: 'Quantity' };
export const INT_OR_STRING: Schema = { type: 'ref', name: 'IntOrString' };
export const ref = (name: string): Schema => ({ type: 'ref', name });
export const en = (...values: string[]): Schema => ({ type: 'string', enum: values });
export const arr = (items: Schema, opts: Omit<Extract<Schema, { type: 'array' }>, 'type' | 'items'> = {}): Schema => ({ type: 'array', items, ...opts });
/** A list whose entries merge by `key` (strategic merge patch and SSA list-map). */
export const keyed = (items: Schema, key: string): Schema => ({ type: 'array', items, mergeKey: key, patchStrategy: 'merge', listType: 'map', listMapKeys: [key] });
export const map = (values: Schema): Schema => ({ type: 'map', values });
export const f = (schema: Schema, description: string): Field => ({ schema, description });

const PREFIXES: Record<string, string> = {
  core: 'io.k8s.api.core.v1',
  meta: 'io.k8s.apimachinery.pkg.apis.meta.v1',
  authz: 'io.k8s.api.authorization.v1',
  coord: 'io.k8s.api.coordination.v1',
  authn: 'io.k8s.api.authentication.v1',
};

/** `core.Pod` -> `io.k8s.api.core.v1.Pod`. */
export function fullName(short: string): string {
  if (short === 'Quantity') return 'io.k8s.apimachinery.pkg.api.resource.Quantity';
  if (short === 'IntOrString') return 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
  const dot = short.indexOf('.');
  const prefix = PREFIXES[short.slice(0, dot)];
  if (!prefix) throw new Error(`schema: unknown prefix in ${short}`);
  return `${prefix}.${short.slice(dot + 1)}`;
}
