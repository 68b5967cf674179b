// What `npm start` prints about the seeded accounts. The seed (lib/seed.ts) keeps generated
// passwords in <data>/seeded-credentials (0600), one "role email password" line each; an
// operator who set the passwords in the environment already knows them.
// A generated password is printed once, by the start that created the account (its line is new
// in the file); every later start says where it is kept instead, so it does not end up in every
// log of every start.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEEDED_CREDENTIALS_FILE } from '../../lib/seed';

/** email (lower case) -> "role email password" line as printed. */
export type SeededCredentials = Map<string, { role: string; email: string; password: string }>;

export function readSeededCredentials(dataDir: string): SeededCredentials {
  const found: SeededCredentials = new Map();
  try {
    for (const line of readFileSync(path.join(dataDir, SEEDED_CREDENTIALS_FILE), 'utf8').split('\n')) {
      const [role, email, password] = line.trim().split(/\s+/);
      if (role && email && password) found.set(email.toLowerCase(), { role, email, password });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return found;
}

/**
 * The notice lines. `before`: the credentials file as it was before this start seeded the
 * database; a password is shown only for an account whose line appeared since.
 */
export function seededAccountsNotice(dataDir: string, env: NodeJS.ProcessEnv, before: SeededCredentials): string[] {
  const file = path.join(dataDir, SEEDED_CREDENTIALS_FILE);
  const generated = readSeededCredentials(dataDir);
  const seeded: [string, string][] = [
    ['admin', env.KUBELAB_ADMIN_EMAIL ?? 'admin@kubelab.local'],
    ['instructor', env.KUBELAB_INSTRUCTOR_EMAIL ?? 'instructor@kubelab.local'],
  ];
  let kept = false;
  const lines = seeded.map(([role, email]) => {
    const key = email.toLowerCase();
    const entry = generated.get(key);
    if (!entry) return `    ${role.padEnd(10)} ${email}  (password from the environment)`;
    if (!before.has(key)) return `    ${role.padEnd(10)} ${email}  password: ${entry.password}  (shown this once)`;
    kept = true;
    return `    ${role.padEnd(10)} ${email}  (generated password in ${file})`;
  });
  return [
    '  Seeded accounts:',
    ...lines,
    ...(generated.size ? [`  (generated passwords are kept in ${file}, readable by root only${kept ? '' : '; later starts do not print them'})`] : []),
  ];
}
