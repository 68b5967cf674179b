// Seeds the admin and instructor accounts, idempotently. Credentials come from the
// environment; without a password there, a strong one is generated when the account is first
// created, printed once, and kept in <dataDir>/seeded-credentials (0600) so later starts can
// say where to find it. No password is ever fixed in the code.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';
import type { Env } from './env';
import { generatePassword, hashPassword, verifyPassword } from './password';
import type { Role } from './roles';

export const SEEDED_CREDENTIALS_FILE = 'seeded-credentials';

interface SeedAccount {
  role: Extract<Role, 'admin' | 'instructor'>;
  email: string;
  password: string | undefined;
  name: string;
}

export type SeedOutcome =
  | { role: string; email: string; action: 'created'; password: string; generated: boolean }
  | { role: string; email: string; action: 'password_updated' | 'unchanged' };

export async function seedAccounts(db: Db, env: Env, log: (line: string) => void): Promise<SeedOutcome[]> {
  const accounts: SeedAccount[] = [
    { role: 'admin', email: env.KUBELAB_ADMIN_EMAIL, password: env.KUBELAB_ADMIN_PASSWORD, name: 'Administrator' },
    { role: 'instructor', email: env.KUBELAB_INSTRUCTOR_EMAIL, password: env.KUBELAB_INSTRUCTOR_PASSWORD, name: 'Instructor' },
  ];
  const credentialsFile = path.join(env.dataDir, SEEDED_CREDENTIALS_FILE);
  const outcomes: SeedOutcome[] = [];
  for (const account of accounts) {
    const existing = await db.user.findUnique({ where: { email: account.email } });
    if (!existing) {
      const generated = account.password === undefined;
      const password = account.password ?? generatePassword();
      await db.user.create({
        data: { email: account.email, name: account.name, role: account.role, passwordHash: await hashPassword(password) },
      });
      if (generated) {
        fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
        fs.appendFileSync(credentialsFile, `${account.role} ${account.email} ${password}\n`, { mode: 0o600 });
        fs.chmodSync(credentialsFile, 0o600);
        log(`created ${account.role} ${account.email} with generated password: ${password}`);
      } else {
        log(`created ${account.role} ${account.email} (password from the environment)`);
      }
      outcomes.push({ role: account.role, email: account.email, action: 'created', password, generated });
      continue;
    }
    // The environment is the source of truth for a seeded account's password and role.
    const data: { role?: Role; passwordHash?: string } = {};
    if (existing.role !== account.role) data.role = account.role;
    if (account.password !== undefined && !(await verifyPassword(account.password, existing.passwordHash))) {
      data.passwordHash = await hashPassword(account.password);
    }
    if (Object.keys(data).length > 0) await db.user.update({ where: { id: existing.id }, data });
    if (data.passwordHash) {
      log(`${account.role} ${account.email}: password updated from the environment`);
      outcomes.push({ role: account.role, email: account.email, action: 'password_updated' });
    } else {
      const hint =
        account.password !== undefined
          ? 'password from the environment'
          : fs.existsSync(credentialsFile)
            ? `generated password in ${credentialsFile}`
            : 'password unchanged';
      log(`${account.role} ${account.email}: exists (${hint})`);
      outcomes.push({ role: account.role, email: account.email, action: 'unchanged' });
    }
  }
  return outcomes;
}
