// All served schemas in one table, and lookups over it.

import { coreDefinitions } from './core-types.js';
import { authnDefinitions, authzDefinitions, coordinationDefinitions, metaDefinitions } from './meta-types.js';
import type { Definition, Schema } from './model.js';
import { podDefinitions } from './pod-types.js';

export const definitions: Record<string, Definition> = {
  ...metaDefinitions,
  ...podDefinitions,
  ...coreDefinitions,
  ...authzDefinitions,
  ...coordinationDefinitions,
  ...authnDefinitions,
};
// Field tables are looked up with keys from request bodies: without a prototype, a field named
// `constructor`, `toString` or `__proto__` is simply unknown, never an inherited function.
for (const d of Object.values(definitions)) Object.setPrototypeOf(d.fields, null);

export function definition(name: string): Definition {
  const d = definitions[name];
  if (!d) throw new Error(`schema: no definition ${name}`);
  return d;
}

/** The definition of a field's value, following refs; undefined for scalars and free-form objects. */
export function objectDefinition(schema: Schema): Definition | undefined {
  if (schema.type !== 'ref') return undefined;
  const d = definition(schema.name);
  return d.scalar ? undefined : d;
}

/** The schema of `field` inside an object of `def`, or undefined if unknown. */
export function fieldSchema(def: Definition | undefined, field: string): Schema | undefined {
  return def?.fields[field]?.schema;
}
