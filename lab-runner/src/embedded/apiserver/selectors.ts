// Label and field selectors as the real API server parses them, with its error wording.

import { badRequest } from '../status-error.js';

type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function parseLabelSelector(raw: string | null | undefined): LabelSelector {
  if (!raw) return [];
  const reqs: LabelSelector = [];
  for (const term of splitTerms(raw)) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim());
      reqs.push({ key: checkKey(m[1] ?? '', raw), op: m[2] as 'in' | 'notin', values: values.map((v) => checkValue(v, raw)) });
    } else if ((m = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      const key = checkKey(m[1] ?? '', raw);
      const value = checkValue(m[3] ?? '', raw);
      reqs.push({ key, op: m[2] === '!=' ? 'notin' : 'in', values: [value] });
    } else if ((m = term.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: checkKey(m[1] ?? '', raw), op: '!' });
    } else if ((m = term.match(/^(\S+)$/))) {
      reqs.push({ key: checkKey(m[1] ?? '', raw), op: 'exists' });
    } else {
      throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
    }
  }
  return reqs;
}

function checkKey(key: string, _raw: string): string {
  if (!LABEL_KEY.test(key) || key.length > 317)
    throw badRequest(`unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  return key;
}

function checkValue(value: string, raw: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63)
    throw badRequest(`unable to parse requirement: values[0][${raw}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
  return value;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v as string)) return false;
        break;
    }
  }
  return true;
}

export interface FieldRequirement { field: string; value: string; negate: boolean }
export type FieldSelector = FieldRequirement[];

export function parseFieldSelector(raw: string | null | undefined): FieldSelector {
  if (!raw) return [];
  const out: FieldSelector = [];
  for (const term of splitTerms(raw)) {
    const m = term.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${term}'`);
    out.push({ field: (m[1] ?? '').trim(), value: unescapeFieldValue((m[3] ?? '').trim()), negate: m[2] === '!=' });
  }
  return out;
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\([,=\\])/g, '$1');
}

/**
 * Checks a parsed field selector against the fields a resource supports; unsupported names
 * are a 400, as upstream.
 */
export function checkFieldSelector(selector: FieldSelector, supported: readonly string[]): void {
  for (const r of selector) {
    if (!supported.includes(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}

export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of selector) {
    const v = fields[r.field] ?? '';
    if (r.negate ? v === r.value : v !== r.value) return false;
  }
  return true;
}

