// Content stamps: a step whose inputs hash to the same value as last time is skipped, so a
// second `npm start` does only what changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const skipDirs = new Set(['node_modules', '.next', '.git', 'data', 'test-results']);

/** Hash of the contents of the given files and directories (recursively), in a stable order. */
export function hashInputs(root: string, inputs: string[]): string {
  const hash = createHash('sha256');
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const entry of readdirSync(abs).sort()) {
        if (!skipDirs.has(entry)) visit(path.join(rel, entry));
      }
    } else if (st.isFile()) {
      hash.update(rel).update('\0').update(readFileSync(abs)).update('\0');
    }
  };
  for (const input of inputs) visit(input);
  return hash.digest('hex').slice(0, 24);
}

export function stampMatches(stampFile: string, value: string): boolean {
  try {
    return readFileSync(stampFile, 'utf8').trim() === value;
  } catch {
    return false;
  }
}

export function writeStamp(stampFile: string, value: string): void {
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, value + '\n');
}
