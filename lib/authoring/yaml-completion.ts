// Completion for the exercise editor from the exercise-format JSON schema: which keys may be
// written where the cursor is (from the indentation and list dashes above it), and the allowed
// values (enums and constants, e.g. check kinds) after `key: `. Pure, so it is tested alone and
// runs in the browser without a YAML parser (the text is often mid-edit and does not parse).

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
}

export interface CompletionOption {
  label: string;
  apply: string;
  detail?: string;
  type: 'property' | 'enum';
}

export interface Completions {
  /** Offset in the text where the replaced word starts. */
  from: number;
  options: CompletionOption[];
}

interface LineShape {
  indent: number;
  /** Column of the first dash when the line starts a list item. */
  dash: number | null;
  /** Column where the key (or value) starts after indentation and dashes. */
  content: number;
  key: string | null;
  /** The text after `key:`, trimmed. */
  value: string;
}

function shape(line: string): LineShape | null {
  if (line.trim() === '' || line.trimStart().startsWith('#')) return null;
  const indent = line.length - line.trimStart().length;
  const dashes = /^(\s*)((?:-\s+)*)/.exec(line)!;
  const content = dashes[0].length;
  const rest = line.slice(content);
  const key = /^("[^"]*"|'[^']*'|[^\s:#"'][^:#]*?)\s*:(?:\s+|$)(.*)$/.exec(rest);
  return {
    indent,
    dash: dashes[2] ? indent : null,
    content,
    key: key ? key[1]!.replace(/^["']|["']$/g, '') : null,
    value: key ? key[2]!.replace(/\s+#.*$/, '').trim() : rest.trim(),
  };
}

/** The path of mapping keys and list items ("[]") that holds a key starting at `column` on line `row`. */
export function pathAt(lines: readonly string[], row: number, column: number, inItemAt: number | null): string[] {
  const path: string[] = [];
  let col = column;
  let itemDash = inItemAt;
  if (itemDash !== null) {
    path.unshift('[]');
    col = itemDash;
  }
  for (let i = row - 1; i >= 0 && col > 0 - (itemDash !== null ? 1 : 0); i--) {
    const s = shape(lines[i]!);
    if (!s) continue;
    if (itemDash !== null) {
      // Looking for the key that owns the list: a bare `key:` at or left of the dash.
      if (s.key !== null && s.value === '' && s.content <= itemDash && (s.dash === null || s.content < itemDash)) {
        path.unshift(s.key);
        col = s.content;
        itemDash = null;
        if (s.dash !== null) {
          path.unshift('[]');
          itemDash = s.dash;
          col = s.dash;
        }
      }
      continue;
    }
    if (s.dash !== null && s.dash < col && s.content <= col) {
      path.unshift('[]');
      itemDash = s.dash;
      col = s.dash;
      // The same line may also hold the parent key of what follows (`- params:`).
      continue;
    }
    if (s.key !== null && s.value === '' && s.content < col) {
      path.unshift(s.key);
      col = s.content;
      if (s.dash !== null) {
        path.unshift('[]');
        itemDash = s.dash;
      }
    }
    if (col === 0) break;
  }
  return path;
}

function alternatives(node: SchemaNode | undefined): SchemaNode[] {
  if (!node) return [];
  const alts = node.oneOf ?? node.anyOf;
  return alts ? alts.flatMap(alternatives) : [node];
}

/** The schema nodes a path may lead to (list items of a oneOf are all kept). */
export function nodesAt(schema: SchemaNode, path: readonly string[]): SchemaNode[] {
  let nodes = alternatives(schema);
  for (const segment of path) {
    nodes = nodes.flatMap((n) => (segment === '[]' ? alternatives(n.items) : alternatives(n.properties?.[segment])));
  }
  return nodes;
}

function keyOptions(nodes: SchemaNode[], present: Set<string>): CompletionOption[] {
  const seen = new Map<string, CompletionOption>();
  for (const node of nodes) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (present.has(key) || seen.has(key) || key === '$schema') continue;
      seen.set(key, { label: key, apply: `${key}: `, detail: child.description, type: 'property' });
    }
  }
  return [...seen.values()];
}

function valueOptions(nodes: SchemaNode[]): CompletionOption[] {
  const values = new Set<string>();
  for (const node of nodes) {
    for (const value of node.enum ?? []) values.add(String(value));
    if (node.const !== undefined) values.add(String(node.const));
  }
  return [...values].map((v) => ({ label: v, apply: v, type: 'enum' as const }));
}

/** What may be typed at `offset` in `text`; null when there is nothing to offer. */
export function completionsAt(text: string, offset: number, schema: SchemaNode): Completions | null {
  const before = text.slice(0, offset);
  const lines = text.split('\n');
  const row = before.split('\n').length - 1;
  const current = before.slice(before.lastIndexOf('\n') + 1);

  const value = /^(\s*)((?:-\s+)*)([\w$-]+):\s+([\w-]*)$/.exec(current);
  if (value) {
    const column = value[1]!.length + value[2]!.length;
    const inItem = value[2] ? value[1]!.length : null;
    const path = [...pathAt(lines, row, column, inItem), value[3]!];
    const options = valueOptions(nodesAt(schema, path));
    return options.length ? { from: offset - value[4]!.length, options } : null;
  }
  const key = /^(\s*)((?:-\s+)*)([\w$-]*)$/.exec(current);
  if (!key) return null;
  const column = key[1]!.length + key[2]!.length;
  const inItem = key[2] ? key[1]!.length : null;
  const path = pathAt(lines, row, column, inItem);
  // Keys already written beside this one (same column, same block) are not offered again.
  const present = new Set<string>();
  for (let i = row - 1; i >= 0; i--) {
    const s = shape(lines[i]!);
    if (!s) continue;
    if (s.content < column || (s.dash !== null && s.content === column && inItem === null)) {
      if (s.content === column && s.key) present.add(s.key);
      break;
    }
    if (s.content === column && s.key) present.add(s.key);
  }
  const options = keyOptions(nodesAt(schema, path), present);
  return options.length ? { from: offset - key[3]!.length, options } : null;
}
