import type { z } from 'zod';

// Turns zod issues into short messages an author understands, with the field path and the
// value found, e.g. `expected a string, found a number (3)`.

export interface LocatedIssue {
  path: PropertyKey[];
  /** Point at the key of the last path segment (unknown fields) rather than at its value. */
  atKey: boolean;
  message: string;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  literal: 'a fixed value',
};

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const isDefaultMessage = (message: string) => /^(Invalid|Too (small|big)|Unrecognized)/.test(message);

export function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown): LocatedIssue[] {
  return issues.flatMap((issue) => describeIssue(issue, data));
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): LocatedIssue[] {
  const path = [...issue.path];
  const found = valueAt(data, path);
  const plain = (message: string): LocatedIssue[] => [{ path, atKey: false, message }];
  if (!isDefaultMessage(issue.message)) {
    return plain(issue.message);
  }
  switch (issue.code) {
    case 'invalid_type': {
      const expected = typeNames[issue.expected] ?? issue.expected;
      if (found === undefined) return plain(`missing required field (expected ${expected})`);
      return plain(`expected ${expected}, found ${describeValue(found)}`);
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], atKey: true, message: `unknown field "${key}"` }));
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const list = options.map(String).join(', ');
        if (found === undefined) return plain(`missing required field (one of ${list})`);
        return plain(`expected one of ${list}, found ${describeValue(found)}`);
      }
      // Issues inside a union branch carry paths relative to the union itself.
      const nested = issue.errors.map((branch) => describeIssues(branch.map((inner) => ({ ...inner, path: [...path, ...inner.path] })), data));
      const best = nested.find((branch) => branch.length > 0 && branch.every((n) => !/^expected .*, found/.test(n.message)));
      if (best !== undefined) return best;
      return plain(`does not match any allowed form (found ${describeValue(found)})`);
    }
    case 'invalid_value': {
      const list = issue.values.map((value) => JSON.stringify(value)).join(', ');
      if (found === undefined) return plain(`missing required field (one of ${list})`);
      return plain(`expected ${issue.values.length === 1 ? list : `one of ${list}`}, found ${describeValue(found)}`);
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'array') return plain(`expected at least ${minimum} item${minimum === 1 ? '' : 's'}`);
      if (issue.origin === 'string') return plain(minimum <= 1 ? 'must not be empty' : `expected at least ${minimum} characters`);
      return plain(`expected a value ${issue.inclusive === false ? '>' : '>='} ${minimum}, found ${describeValue(found)}`);
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'array') return plain(`expected at most ${maximum} item${maximum === 1 ? '' : 's'}`);
      if (issue.origin === 'string') return plain(`expected at most ${maximum} characters`);
      return plain(`expected a value ${issue.inclusive === false ? '<' : '<='} ${maximum}, found ${describeValue(found)}`);
    }
    case 'invalid_format':
      return plain(`does not have the expected format (${issue.format}), found ${describeValue(found)}`);
    case 'invalid_key':
      return [{ path, atKey: true, message: `invalid key: ${describeIssues(issue.issues, undefined).map((n) => n.message).join('; ')}` }];
    case 'invalid_element':
      return plain(describeIssues(issue.issues, found).map((n) => n.message).join('; '));
    default:
      return plain(issue.message);
  }
}
