// Splits a migration script into its statements at the semicolons that end one, never at a
// semicolon inside a quoted string ('…', E'…' with backslash escapes), a quoted identifier
// ("…", `…`, […]), a comment (--, nested /* */), a dollar-quoted body ($$…$$, $tag$…$tag$:
// PostgreSQL functions) or the BEGIN … END body of a SQLite trigger.

const WORD = /[A-Za-z0-9_]/;

/** The index just past a quoted run opened at `open`, where a doubled `close` is an escaped one. */
function skipQuoted(sql: string, open: number, close: string, backslashEscapes = false): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === close && sql[i + 1] === close && close !== ']') i += 2;
    else if (c === close) return i + 1;
    else i += 1;
  }
  return sql.length;
}

function skipBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

/** The statements of a script, without their comments and the semicolons that end them. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  // The statement so far is `text` plus sql[from, i): comments are left out as they are passed.
  let text = '';
  let from = 0;
  let i = 0;
  // Inside a SQLite trigger body: BEGIN and CASE open a block that END closes.
  let blockDepth = 0;
  const cut = (end: number, resume: number) => {
    text += sql.slice(from, end);
    from = resume;
  };
  const push = () => {
    const statement = text.trim();
    if (statement) statements.push(statement);
    text = '';
  };
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const before = sql[i - 1] ?? '';
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      cut(i, end < 0 ? sql.length : end);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = skipBlockComment(sql, i);
      cut(i, end);
      i = end;
    } else if (c === "'") {
      const escapes = (before === 'E' || before === 'e') && !WORD.test(sql[i - 2] ?? '');
      i = skipQuoted(sql, i, "'", escapes);
    } else if (c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
    } else if (c === '[') {
      i = skipQuoted(sql, i, ']');
    } else if (c === '$' && !WORD.test(before) && before !== '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? sql.length : end + tag.length;
      } else i += 1;
    } else if (WORD.test(c) && !WORD.test(before)) {
      const word = /^[A-Za-z0-9_]+/.exec(sql.slice(i))?.[0] ?? c;
      const upper = word.toUpperCase();
      if (upper === 'BEGIN' && /^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(text + sql.slice(from, i))) blockDepth += 1;
      else if (upper === 'CASE' && blockDepth > 0) blockDepth += 1;
      else if (upper === 'END' && blockDepth > 0) blockDepth -= 1;
      i += word.length;
    } else if (c === ';' && blockDepth === 0) {
      cut(i, i + 1);
      push();
      i += 1;
    } else {
      i += 1;
    }
  }
  cut(sql.length, sql.length);
  push();
  return statements;
}
