// OpenAPI documents generated from the schema table: v3 per group-version (what `kubectl
// explain` reads) and a v2 document (what kubectl 1.27/1.28 insist on fetching first).

import { createHash } from 'node:crypto';
import { definitions } from './index.js';
import { fullName, type Definition, type Schema } from './model.js';
import type { ResourceInfo } from '../resources.js';

type Json = Record<string, unknown>;

function v3Schema(schema: Schema, refPrefix: string): Json {
  switch (schema.type) {
    case 'ref':
      return { $ref: `${refPrefix}${fullName(schema.name)}` };
    case 'array': {
      const out: Json = { type: 'array', items: wrapRef(v3Schema(schema.items, refPrefix)) };
      if (schema.mergeKey) out['x-kubernetes-patch-merge-key'] = schema.mergeKey;
      if (schema.patchStrategy) out['x-kubernetes-patch-strategy'] = schema.patchStrategy;
      if (schema.listType) out['x-kubernetes-list-type'] = schema.listType;
      if (schema.listMapKeys) out['x-kubernetes-list-map-keys'] = schema.listMapKeys;
      return out;
    }
    case 'map':
      return { type: 'object', additionalProperties: wrapRef(v3Schema(schema.values, refPrefix)) };
    case 'object':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'integer':
      return { type: 'integer', format: schema.format };
    case 'number':
      return { type: 'number', format: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return { type: 'string', ...(schema.format ? { format: schema.format } : {}), ...(schema.enum ? { enum: schema.enum } : {}) };
  }
}

/** v3 puts siblings of a $ref under allOf, as the real documents do. */
function wrapRef(s: Json): Json {
  return '$ref' in s ? { allOf: [s], default: {} } : s;
}

function definitionSchema(def: Definition, refPrefix: string): Json {
  if (def.scalar) {
    if ('intOrString' in def.scalar) return { description: def.description, type: 'string', format: 'int-or-string' };
    return { description: def.description, type: 'string', ...(def.scalar.format ? { format: def.scalar.format } : {}) };
  }
  const properties: Json = {};
  for (const [name, field] of Object.entries(def.fields)) {
    const s = v3Schema(field.schema, refPrefix);
    properties[name] = '$ref' in s ? { allOf: [s], description: field.description } : { ...s, description: field.description };
  }
  return {
    description: def.description,
    type: 'object',
    properties,
    ...(def.required ? { required: def.required } : {}),
    ...(def.gvk ? { 'x-kubernetes-group-version-kind': [def.gvk] } : {}),
  };
}

/** Names reachable from `roots`, so each group-version document carries only what it needs. */
function closure(roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const d = definitions[name];
    if (!d) return;
    for (const field of Object.values(d.fields)) walk(field.schema);
  };
  const walk = (s: Schema): void => {
    if (s.type === 'ref') visit(s.name);
    else if (s.type === 'array') walk(s.items);
    else if (s.type === 'map') walk(s.values);
  };
  for (const r of roots) visit(r);
  return [...seen].sort();
}

const queryParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, the request is checked and answered but nothing is stored. The only value is All.'),
  queryParam('fieldManager', 'The name of the actor making the change, recorded in managedFields.'),
  queryParam('fieldValidation', 'How to treat unknown or duplicate fields: Ignore, Warn or Strict.'),
];

function operations(r: ResourceInfo, gvk: Json, defRef: string, listRef: string): Record<string, Json> {
  const ok = (ref: string) => ({ '200': { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } });
  const op = (action: string, id: string, ref: string, params: Json[] = []) => ({
    operationId: id,
    tags: ['core_v1'],
    responses: ok(ref),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...(params.length ? { parameters: params } : {}),
  });
  const kind = r.kind;
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const nsPath = r.namespaced ? `${base}/namespaces/{namespace}/${r.name}` : `${base}/${r.name}`;
  const pathParams: Json[] = [
    ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, description: 'The namespace of the object.', schema: { type: 'string' } }] : []),
  ];
  const out: Record<string, Json> = {};
  const collection: Json = { parameters: pathParams };
  if (r.verbs.includes('list')) collection['get'] = op('list', `list${scope}${kind}`, listRef);
  if (r.verbs.includes('create')) collection['post'] = op('post', `create${scope}${kind}`, defRef, WRITE_PARAMS);
  if (r.verbs.includes('deletecollection')) collection['delete'] = op('deletecollection', `deleteCollection${scope}${kind}`, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  out[nsPath] = collection;
  if (r.verbs.includes('get')) {
    const item: Json = { parameters: [{ name: 'name', in: 'path', required: true, description: `The name of the ${kind}.`, schema: { type: 'string' } }, ...pathParams] };
    item['get'] = op('get', `read${scope}${kind}`, defRef);
    if (r.verbs.includes('update')) item['put'] = op('put', `replace${scope}${kind}`, defRef, WRITE_PARAMS);
    if (r.verbs.includes('patch'))
      item['patch'] = op('patch', `patch${scope}${kind}`, defRef, [...WRITE_PARAMS, queryParam('force', 'Take over conflicting fields during server-side apply.')]);
    if (r.verbs.includes('delete')) item['delete'] = op('delete', `delete${scope}${kind}`, defRef);
    out[`${nsPath}/{name}`] = item;
  }
  return out;
}

export interface OpenApiV3Document {
  body: string;
  hash: string;
}

export function buildV3Document(resources: ResourceInfo[]): OpenApiV3Document {
  const roots: string[] = ['meta.Status', 'meta.DeleteOptions'];
  const paths: Json = {};
  for (const r of resources) {
    if (r.subresource) continue;
    roots.push(r.definition);
    const listName = `${r.definition}List`;
    if (definitions[listName]) roots.push(listName);
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    Object.assign(paths, operations(r, gvk, `#/components/schemas/${fullName(r.definition)}`, `#/components/schemas/${fullName(definitions[listName] ? listName : r.definition)}`));
  }
  const schemas: Json = {};
  for (const name of closure(roots)) {
    const d = definitions[name];
    if (d) schemas[fullName(name)] = definitionSchema(d, '#/components/schemas/');
  }
  const doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.33.1' },
    paths,
    components: { schemas, securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer token', name: 'authorization', in: 'header' } } },
  };
  const body = JSON.stringify(doc);
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/** The Swagger 2.0 document in JSON, for clients that ask for v2 as JSON. */
export function buildV2Document(resources: ResourceInfo[]): string {
  const roots = ['meta.Status', 'meta.DeleteOptions', ...resources.filter((r) => !r.subresource).map((r) => r.definition)];
  const defs: Json = {};
  for (const name of closure(roots)) {
    const d = definitions[name];
    if (!d) continue;
    const s = definitionSchema(d, '#/definitions/');
    // Swagger 2 has no allOf-wrapped refs in properties: unwrap them.
    const props = s['properties'] as Record<string, Json> | undefined;
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        const allOf = v['allOf'] as Json[] | undefined;
        if (allOf) props[k] = { $ref: allOf[0]?.['$ref'], description: v['description'] };
      }
    }
    defs[fullName(name)] = s;
  }
  return JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.1' }, paths: {}, definitions: defs });
}
