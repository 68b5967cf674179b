// YAML request bodies (application/yaml, application/apply-patch+yaml) turned into JSON.
// The YAML parser recurses once per nesting level and slows down badly long before its
// stack runs out (1000 levels: a second; 100 000: the whole runner stalls for many seconds,
// found by the fuzzer), so nesting is bounded first with one linear scan, as Go's YAML
// decoder bounds it.

import { parse as parseYaml } from 'yaml';
import { badRequest } from '../status-error.js';

/** Deeper than any Kubernetes object needs; cheap for the parser. */
export const MAX_YAML_DEPTH = 256;

/**
 * An upper bound of a YAML document's nesting, in one pass that a crafted document cannot
 * fool: the largest indentation plus leading `- `/`? ` indicators of any line (block nesting
 * needs one of them per level), plus every `[` and `{` in the document (flow nesting can be
 * no deeper than the brackets opened; quotes are not trusted to hide any).
 */
export function yamlNestingBound(text: string): number {
  let block = 0;
  let brackets = 0;
  let lineStart = true;
  let lineDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      lineStart = true;
      lineDepth = 0;
      continue;
    }
    if (lineStart) {
      const next = text[i + 1];
      if (ch === ' ' || ch === '\t' || ((ch === '-' || ch === '?') && (next === ' ' || next === '\t'))) {
        block = Math.max(block, ++lineDepth);
        continue;
      }
      lineStart = false;
    }
    if (ch === '[' || ch === '{') brackets++;
  }
  return block + brackets;
}

/** The JSON value of a YAML body: YAML 1.1 types (!!binary, !!set, timestamps) and infinities become what JSON can say. */
export function yamlToJson(text: string): unknown {
  // kubectl sends server-side apply bodies as JSON under the YAML content type: JSON needs no bound.
  try {
    return JSON.parse(text);
  } catch {
    // YAML proper
  }
  if (yamlNestingBound(text) > MAX_YAML_DEPTH) throw badRequest(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_YAML_DEPTH}`);
  try {
    // Warnings about odd tags are not the log's business.
    const value: unknown = parseYaml(text, { logLevel: 'error' });
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}
