// Brings the database up to date and seeds it, for whichever DATABASE_URL is set:
//   npx tsx prisma/deploy.ts
// 1. validates the environment (one line per problem, exit 1),
// 2. makes sure AUTH_SECRET exists (generated once into <data>/auth-secret when unset),
// 3. applies pending committed migrations (idempotent),
// 4. seeds the admin and instructor accounts (idempotent).
import path from 'node:path';
import { redactUrl } from '../lib/db/database-url';
import { createDb } from '../lib/db/client';
import { applyMigrations } from '../lib/db/migrate';
import { EnvError, parseEnv } from '../lib/env';
import { resolveAuthSecret } from '../lib/secret-file';
import { seedAccounts } from '../lib/seed';

const root = path.resolve(__dirname, '..');
const say = (line: string) => console.log(`[deploy] ${line}`);

async function main(): Promise<void> {
  const env = parseEnv(process.env, process.cwd());
  resolveAuthSecret(env.AUTH_SECRET, env.dataDir);
  const where = env.database.kind === 'sqlite' ? env.database.file : redactUrl(env.database.url);
  const result = await applyMigrations(env.database, root);
  say(
    result.applied.length > 0
      ? `${env.database.kind} ${where}: applied ${result.applied.join(', ')}`
      : `${env.database.kind} ${where}: schema up to date (${result.alreadyApplied} migrations)`,
  );
  const db = createDb(env.database);
  try {
    await seedAccounts(db, env, say);
  } finally {
    await db.$disconnect();
  }
}

main().catch((e: unknown) => {
  if (e instanceof EnvError) {
    console.error(`[deploy] the environment is not valid:\n${e.problems.map((p) => `  - ${p}`).join('\n')}`);
  } else {
    const code = (e as { code?: string }).code;
    console.error(`[deploy] error${code ? ` ${code}` : ''}: ${(e as Error).message}`);
  }
  process.exit(1);
});
