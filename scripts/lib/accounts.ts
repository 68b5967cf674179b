// What `npm start` prints about the seeded accounts. The seed (lib/seed.ts) keeps generated
// passwords in <data>/seeded-credentials (0600), one "role email password" line each; an
// operator who set the passwords in the environment already knows them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEEDED_CREDENTIALS_FILE } from '../../lib/seed';

export function seededAccountsNotice(dataDir: string, env: NodeJS.ProcessEnv): string[] {
  const file = path.join(dataDir, SEEDED_CREDENTIALS_FILE);
  const generated = new Map<string, string>();
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [role, email, password] = line.trim().split(/\s+/);
      if (role && email && password) generated.set(email.toLowerCase(), `${role.padEnd(10)} ${email}  password: ${password}`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const seeded: [string, string | undefined][] = [
    ['admin', env.KUBELAB_ADMIN_EMAIL ?? 'admin@kubelab.local'],
    ['instructor', env.KUBELAB_INSTRUCTOR_EMAIL ?? 'instructor@kubelab.local'],
  ];
  return [
    '  Seeded accounts:',
    ...seeded.map(([role, email]) => {
      const key = email!.toLowerCase();
      return '    ' + (generated.get(key) ?? `${role.padEnd(10)} ${email}  (password from the environment)`);
    }),
    ...(generated.size ? [`  (generated passwords are kept in ${file}, readable by root only)`] : []),
  ];
}
