import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { FormatProblem } from '@kubelab/exercise-format/format-error';

/** A parsed YAML file that remembers where each value came from. */
export interface YamlSource {
  file: string;
  /** The plain data, or undefined when the text has syntax errors. */
  data: unknown;
  syntaxProblems: FormatProblem[];
  /** Line and column of the value at `path`, or of its nearest existing ancestor; `key: true` points at the key of the last segment instead. */
  locate(path: readonly PropertyKey[], options?: { key?: boolean }): { line: number; column: number };
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, keepSourceTokens: false });
  const syntaxProblems: FormatProblem[] = document.errors.map((error) => {
    const position = error.linePos?.[0];
    return {
      file,
      line: position?.line,
      column: position?.col,
      path: '',
      message: `YAML syntax: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    };
  });
  const data: unknown = syntaxProblems.length === 0 ? document.toJS({ maxAliasCount: 100 }) : undefined;

  const toPosition = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    file,
    data,
    syntaxProblems,
    locate(path, options) {
      return toPosition(offsetOf(document, path, options?.key ?? false));
    },
  };
}

function offsetOf(document: Document, path: readonly PropertyKey[], wantKey: boolean): number {
  let node: Node | null | undefined = document.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (let index = 0; index < path.length; index++) {
    const segment = path[index];
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
      if (pair === undefined) return offset;
      const keyOffset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      if (last && wantKey) return keyOffset;
      const value = pair.value as Node | null;
      if (value === null || value.range === undefined || value.range === null) return keyOffset;
      node = value;
      offset = value.range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | null | undefined;
      if (item === undefined || item === null || item.range === undefined || item.range === null) return offset;
      node = item;
      offset = item.range[0];
    } else {
      return offset;
    }
  }
  return offset;
}
