// The runner has two addresses, and each is its own setting. RUNNER_URL (or RUNNER_URLS) is where
// this server reaches the runner, server to server: often a private address no browser can use.
// RUNNER_PUBLIC_URL (or RUNNER_PUBLIC_URLS, one per RUNNER_URLS entry) is where browsers reach it
// (the shell WebSocket), which the page's Content-Security-Policy must allow; each runner builds its
// shell URLs on its own RUNNER_PUBLIC_URL (lab-runner/src/config.ts). Unset, it is the runner
// `npm start` runs beside this app; with several runners, an empty RUNNER_PUBLIC_URLS entry means
// browsers reach that runner where this server does.

type Source = Readonly<Record<string, string | undefined>>;

export const splitList = (value: string) => value.split(',').map((v) => v.trim());

/** The runner's origin as browsers reach it: RUNNER_PUBLIC_URL, else http://127.0.0.1:<RUNNER_PORT>. */
export function runnerPublicUrl(env: Source): string {
  return env.RUNNER_PUBLIC_URL || `http://127.0.0.1:${env.RUNNER_PORT || 4000}`;
}

/**
 * Every runner's origin as browsers reach it: with RUNNER_URLS, each entry's RUNNER_PUBLIC_URLS
 * entry, else the entry itself (lib/env.ts checks them at start).
 */
export function runnerPublicUrls(env: Source): string[] {
  if (!env.RUNNER_URLS) return [runnerPublicUrl(env)];
  const publics = env.RUNNER_PUBLIC_URLS ? splitList(env.RUNNER_PUBLIC_URLS) : [];
  return splitList(env.RUNNER_URLS).map((url, i) => publics[i] || url);
}
