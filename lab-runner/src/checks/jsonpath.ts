// kubectl's JSONPath templates (`{.spec.containers[0].image}`), the subset exercises use:
// fields, `..` recursive descent, `*`, indexes and slices, quoted keys and `[?(@.x == "y")]`
// filters. Output is printed the way `kubectl -o jsonpath` prints it: strings raw, other
// values as JSON, several results separated by spaces.

type Step =
  | { type: 'field'; name: string }
  | { type: 'recursive'; name: string }
  | { type: 'wildcard' }
  | { type: 'index'; index: number }
  | { type: 'slice'; start?: number; end?: number }
  | { type: 'filter'; path: Step[]; op?: '==' | '!=' | '<' | '>' | '<=' | '>='; value?: unknown };

class JsonPathError extends Error {
  override name = 'JsonPathError';
}

/** The values the template's expression(s) select, in document order. */
export function jsonPathValues(template: string, root: unknown): unknown[] {
  const values: unknown[] = [];
  for (const part of splitTemplate(template)) if (part.expression !== undefined) values.push(...evaluate(parsePath(part.expression), [root]));
  return values;
}

/** The template rendered as `kubectl -o jsonpath=<template>` prints it. */
export function renderJsonPath(template: string, root: unknown): string {
  return splitTemplate(template)
    .map((part) => (part.expression === undefined ? part.text : evaluate(parsePath(part.expression), [root]).map(format).join(' ')))
    .join('');
}

function format(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function splitTemplate(template: string): { text: string; expression?: string }[] {
  const parts: { text: string; expression?: string }[] = [];
  let index = 0;
  while (index < template.length) {
    const open = template.indexOf('{', index);
    if (open === -1) {
      parts.push({ text: template.slice(index) });
      break;
    }
    if (open > index) parts.push({ text: template.slice(index, open) });
    let depth = 0;
    let close = -1;
    let quote: string | undefined;
    for (let i = open; i < template.length; i++) {
      const ch = template[i];
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close === -1) throw new JsonPathError(`unclosed "{" in ${template}`);
    parts.push({ text: '', expression: template.slice(open + 1, close).trim() });
    index = close + 1;
  }
  return parts;
}

function parsePath(expression: string): Step[] {
  let source = expression;
  if (source.startsWith('$')) source = source.slice(1);
  if (source.startsWith('@')) source = source.slice(1);
  const steps: Step[] = [];
  let i = 0;
  const identifier = () => {
    const match = /^[A-Za-z0-9_\-/]+/.exec(source.slice(i));
    if (!match) throw new JsonPathError(`expected a field name at "${source.slice(i)}" in {${expression}}`);
    i += match[0].length;
    return match[0];
  };
  while (i < source.length) {
    if (source.startsWith('..', i)) {
      i += 2;
      steps.push({ type: 'recursive', name: identifier() });
    } else if (source[i] === '.') {
      i += 1;
      if (source[i] === '*') {
        i += 1;
        steps.push({ type: 'wildcard' });
      } else if (i < source.length && source[i] !== '[') steps.push({ type: 'field', name: identifier() });
    } else if (source[i] === '[') {
      const close = findBracketEnd(source, i);
      steps.push(parseBracket(source.slice(i + 1, close).trim(), expression));
      i = close + 1;
    } else {
      steps.push({ type: 'field', name: identifier() });
    }
  }
  return steps;
}

function findBracketEnd(source: string, open: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return i;
  }
  throw new JsonPathError(`unclosed "[" in ${source}`);
}

function parseBracket(inner: string, expression: string): Step {
  if (inner === '*') return { type: 'wildcard' };
  if (/^-?\d+$/.test(inner)) return { type: 'index', index: Number(inner) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(inner);
  if (slice) return { type: 'slice', ...(slice[1] ? { start: Number(slice[1]) } : {}), ...(slice[2] ? { end: Number(slice[2]) } : {}) };
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { type: 'field', name: quoted[2] ?? '' };
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (filter) {
    const body = (filter[1] ?? '').trim();
    const comparison = /^(@[^\s=!<>]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
    if (comparison) {
      return {
        type: 'filter',
        path: parsePath(comparison[1] ?? '@'),
        op: comparison[2] as '==' | '!=' | '<' | '>' | '<=' | '>=',
        value: literal(comparison[3] ?? '', expression),
      };
    }
    if (body.startsWith('@')) return { type: 'filter', path: parsePath(body) };
  }
  throw new JsonPathError(`unsupported "[${inner}]" in {${expression}}`);
}

function literal(text: string, expression: string): unknown {
  const trimmed = text.trim();
  const quoted = /^(['"])(.*)\1$/.exec(trimmed);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  throw new JsonPathError(`cannot read the value ${trimmed} in {${expression}}`);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.values(value);
  return [];
}

function evaluate(steps: Step[], start: unknown[]): unknown[] {
  let current = start;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      switch (step.type) {
        case 'field':
          if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step.name)) {
            next.push((value as Record<string, unknown>)[step.name]);
          }
          break;
        case 'recursive':
          collect(value, step.name, next);
          break;
        case 'wildcard':
          next.push(...children(value));
          break;
        case 'index':
          if (Array.isArray(value)) {
            const item = value.at(step.index);
            if (item !== undefined) next.push(item);
          }
          break;
        case 'slice':
          if (Array.isArray(value)) next.push(...value.slice(step.start ?? 0, step.end ?? value.length));
          break;
        case 'filter':
          for (const item of children(value)) {
            const found = evaluate(step.path, [item]);
            if (step.op === undefined ? found.length > 0 : found.some((v) => compare(v, step.op as string, step.value))) next.push(item);
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

function collect(value: unknown, name: string, out: unknown[]): void {
  if (value === null || typeof value !== 'object') return;
  if (!Array.isArray(value) && Object.hasOwn(value, name)) out.push((value as Record<string, unknown>)[name]);
  for (const child of children(value)) collect(child, name, out);
}

function compare(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return typeof left === typeof right && (left as number) < (right as number);
    case '>':
      return typeof left === typeof right && (left as number) > (right as number);
    case '<=':
      return typeof left === typeof right && (left as number) <= (right as number);
    case '>=':
      return typeof left === typeof right && (left as number) >= (right as number);
    default:
      return false;
  }
}
