// Validation errors in the real API server's format: each error is a field path plus a
// typed message, and a list of them becomes a 422 Invalid Status.

import { StatusError } from '../status-error.js';

export interface FieldError {
  field: string;
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueDuplicate' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueNotFound' | 'FieldValueTooLong';
  /** The text after the field path, e.g. `Required value` or `Invalid value: "x": must be ...`. */
  message: string;
}

/** Renders a value the way Go's %#v/%q does in these messages. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

export const required = (field: string, detail?: string): FieldError => ({
  field,
  reason: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
});
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${quote(value)}${detail ? `: ${detail}` : ''}`,
});
export const duplicate = (field: string, value: unknown): FieldError => ({ field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${quote(value)}` });
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({
  field,
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${quote(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
export const forbidden = (field: string, detail: string): FieldError => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
export const notFoundField = (field: string, value: unknown): FieldError => ({ field, reason: 'FieldValueNotFound', message: `Not found: ${quote(value)}` });

/** `Pod "web" is invalid: [a, b]` with one cause per error, as a 422. */
export function invalidError(kind: string, name: string, errors: FieldError[], group = ''): StatusError {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
    name,
    group: group || undefined,
    kind,
    causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

export function checkDnsLabel(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63) out.push(invalid(field, value, 'must be no more than 63 characters'));
  if (!DNS1123_LABEL.test(value)) out.push(invalid(field, value, DNS1123_LABEL_MSG));
  return out;
}

export function checkDnsSubdomain(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 253) out.push(invalid(field, value, 'must be no more than 253 characters'));
  if (!DNS1123_SUBDOMAIN.test(value)) out.push(invalid(field, value, DNS1123_SUBDOMAIN_MSG));
  return out;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkQualifiedName(field: string, key: string): FieldError[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: FieldError[] = [];
  if (slash >= 0 && (prefix.length === 0 || !DNS1123_SUBDOMAIN.test(prefix)))
    out.push(invalid(field, key, `prefix part ${DNS1123_SUBDOMAIN_MSG}`));
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    out.push(
      invalid(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  return out;
}

export function checkLabels(field: string, labels: Record<string, string> | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    out.push(...checkQualifiedName(field, k));
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v))
      out.push(
        invalid(
          field,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
  }
  return out;
}

export function checkAnnotations(field: string, annotations: Record<string, string> | undefined): FieldError[] {
  const out: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    out.push(...checkQualifiedName(field, k));
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024) out.push({ field, reason: 'FieldValueTooLong', message: `Too long: must have at most ${256 * 1024} bytes` });
  return out;
}
