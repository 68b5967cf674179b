// What the web app's benchmarks share (the leading `_` keeps scripts/bench.ts from running it as
// one): signing in as a real user, timing a page under concurrent requests, and reading
// percentiles off the times.
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Signs in through next-auth's credentials flow and returns the session cookie header. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
  };
  keep(csrf);
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: baseUrl }),
  });
  keep(response);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) throw new Error(`sign-in of ${email} failed (${response.status})`);
  return cookieHeader();
}

/** The p-th percentile of ascending `sorted` (nearest rank); 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export interface PageTimes {
  /** Each request's time in milliseconds, ascending. */
  times: number[];
  /** The statuses other than 200, one per request that got one. */
  non200: number[];
  /** Wall-clock seconds for all the requests. */
  seconds: number;
}

/**
 * Requests `url` `rounds` times from each of `cookies` at once (one sequential client per
 * cookie; the same cookie may stand for several clients), redirects not followed, each body
 * read to its end. Warming the page up first is the caller's part.
 */
export async function timePage(url: string, cookies: readonly string[], rounds: number): Promise<PageTimes> {
  const times: number[] = [];
  const non200: number[] = [];
  const started = performance.now();
  await Promise.all(
    cookies.map(async (cookie) => {
      for (let r = 0; r < rounds; r += 1) {
        const t0 = performance.now();
        const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
        await response.text();
        if (response.status !== 200) non200.push(response.status);
        times.push(performance.now() - t0);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { times, non200, seconds: (performance.now() - started) / 1000 };
}

/**
 * The process listening on TCP `port` on this machine (Linux /proc), or null: the bench reads the
 * web server's own CPU time, which compares across machine load where response times do not.
 */
export function listenerPid(port: number): number | null {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT"; state 0A is LISTEN; column 9 is the socket's inode.
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return Number(pid);
      } catch {
        // closed while we looked
      }
    }
  }
  return null;
}

/** User plus system CPU time a process has used so far, in milliseconds (Linux /proc; 100 ticks a second). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
