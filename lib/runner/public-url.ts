// The runner has two addresses, and each is its own setting. RUNNER_URL (or RUNNER_URLS) is where
// this server reaches the runner, server to server: often a private address no browser can use.
// RUNNER_PUBLIC_URL is where browsers reach it (the shell WebSocket), which the page's
// Content-Security-Policy must allow; the runner builds its shell URLs on the same variable
// (lab-runner/src/config.ts). Unset, it is the runner `npm start` runs beside this app.

/** The runner's origin as browsers reach it: RUNNER_PUBLIC_URL, else http://127.0.0.1:<RUNNER_PORT>. */
export function runnerPublicUrl(env: Readonly<Record<string, string | undefined>>): string {
  return env.RUNNER_PUBLIC_URL || `http://127.0.0.1:${env.RUNNER_PORT || 4000}`;
}
