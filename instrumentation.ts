// Runs once when the Next.js server starts. First the environment is validated, so a bare
// `next start` with a bad environment stops at once with one line per problem (the same lines
// prisma/deploy.ts prints) instead of failing later on the first request. Then exercises/ is
// synced into the database (idempotent, and one query when nothing changed) before the first
// request is served.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env, EnvError } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`[web] the environment is not valid:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    // Exit rather than throw: a thrown register() error is reported by Next.js with its own
    // framing and stack; the operator needs only the lines above.
    process.exit(1);
  }
  const { syncContentOnStart } = await import('./lib/content/on-start');
  await syncContentOnStart();
}
