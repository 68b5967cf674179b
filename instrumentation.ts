// Runs once when the Next.js server starts: syncs exercises/ into the database (idempotent, and
// one query when nothing changed) before the first request is served.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { syncContentOnStart } = await import('./lib/content/on-start');
  await syncContentOnStart();
}
