// Which install a container belongs to. Several checkouts of the platform may share one
// container engine (and the default sandbox id prefix): each install labels every container
// it creates with an identity of its own, kept in its state directory, and only ever adopts,
// reaps or removes containers that carry it.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LABEL_INSTALL = 'io.kubelab.install';
const FILE = 'install-id';
const FORMAT = /^[a-f0-9]{16}$/;

/** The install's identity: read from `<stateDir>/install-id`, created there the first time. */
export function installIdentity(stateDir: string): string {
  const file = path.join(stateDir, FILE);
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (FORMAT.test(id)) return id;
    throw new Error(`${file} does not hold an install identity (16 hex digits): remove it to get a new one`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const id = randomBytes(8).toString('hex');
  try {
    // wx: two processes starting at once on a new state directory agree on the first one.
    writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' });
    return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return installIdentity(stateDir);
    throw error;
  }
}
