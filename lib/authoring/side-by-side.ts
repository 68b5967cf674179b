// A line diff laid out side by side (history, and the refused second save of a concurrent
// edit): each row holds the left line, the right line, or both when unchanged.
import { diffLines } from 'diff';

export interface DiffRow {
  kind: 'same' | 'removed' | 'added' | 'changed';
  left: { line: number; text: string } | null;
  right: { line: number; text: string } | null;
}

const linesOf = (value: string) => {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
};

export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let left = 1;
  let right = 1;
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const text of linesOf(part.value)) rows.push({ kind: 'same', left: { line: left++, text }, right: { line: right++, text } });
      continue;
    }
    // A removal followed by an addition is a change: pair their lines up.
    const next = parts[i + 1];
    const removed = part.removed ? linesOf(part.value) : [];
    const added = part.added ? linesOf(part.value) : next?.added && part.removed ? linesOf(next.value) : [];
    if (part.removed && next?.added) i++;
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const l = removed[k];
      const r = added[k];
      rows.push({
        kind: l !== undefined && r !== undefined ? 'changed' : l !== undefined ? 'removed' : 'added',
        left: l !== undefined ? { line: left++, text: l } : null,
        right: r !== undefined ? { line: right++, text: r } : null,
      });
    }
  }
  return rows;
}
