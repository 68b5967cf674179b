// What `npm start` prints about the seeded accounts. The seed (prisma/seed.ts) writes them to
// data/seeded-accounts.json (mode 0600) with a password only when it generated one; an
// operator who set the passwords in the environment already knows them.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface SeededAccount { role: string; email: string; password?: string }

export function seededAccountsNotice(dataDir: string): string[] {
  const file = path.join(dataDir, 'seeded-accounts.json');
  let accounts: SeededAccount[];
  try {
    accounts = JSON.parse(readFileSync(file, 'utf8')) as SeededAccount[];
  } catch {
    return ['  Seeded accounts: see the seed output above.'];
  }
  return [
    '  Seeded accounts:',
    ...accounts.map((a) => `    ${a.role.padEnd(10)} ${a.email}  ${a.password ? `password: ${a.password}` : '(password from the environment)'}`),
    `  (kept in ${file}, readable by root only)`,
  ];
}
