// The web app's security headers and Content-Security-Policy in real Chromium: every page and
// route carries them, Next's scripts run under the nonce, the terminal's WebSocket to the runner
// is allowed, nothing on the way produces a CSP violation, and the JSON API refuses a
// state change from a foreign origin.
import { expect, test, type Page } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { terminalText, typeInTerminal, waitForShell } from './learner-helpers';

const LESSON = '/courses/pods/shared-volumes';
const EXERCISE = '/exercises/first-pod';
const runnerUrl = process.env.E2E_RUNNER_URL;

/** Every CSP violation the page reports, from before its first script runs. */
async function recordViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|connect|apply|frame)/i.test(message.text())) seen.push(`console: ${message.text()}`);
  });
  await page.exposeFunction('__kubelabCspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __kubelabCspViolation(text: string): void }).__kubelabCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  return seen;
}

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0]!, d.slice(1)]));
}

/** Asserts the headers of one response; returns its script nonce. */
function expectSecurityHeaders(response: { headers(): Record<string, string> } | null, label: string): string {
  expect(response, label).not.toBeNull();
  const headers = response!.headers();
  expect(headers['x-content-type-options'], label).toBe('nosniff');
  expect(headers['referrer-policy'], label).toBe('same-origin');
  expect(headers['x-frame-options'], label).toBe('DENY');
  expect(headers['cross-origin-opener-policy'], label).toBe('same-origin');
  expect(headers['permissions-policy'], label).toContain('camera=()');
  expect(headers['x-powered-by'], label).toBeUndefined();
  const policy = directives(headers['content-security-policy'] ?? '');
  expect(policy.get('frame-ancestors'), label).toEqual(["'none'"]);
  expect(policy.get('object-src'), label).toEqual(["'none'"]);
  const scriptSrc = policy.get('script-src') ?? [];
  expect(scriptSrc, label).toContain("'strict-dynamic'");
  expect(scriptSrc, label).not.toContain("'unsafe-inline'");
  expect(scriptSrc, label).not.toContain("'unsafe-eval'");
  const nonce = /^'nonce-(.+)'$/.exec(scriptSrc.find((s) => s.startsWith("'nonce-")) ?? '')?.[1];
  expect(nonce, `${label}: a nonce in script-src`).toBeTruthy();
  // Both runners the suite's web app knows (scripts/lib/e2e.ts), and nothing else.
  const shells = new URL(runnerUrl!);
  expect(policy.get('connect-src'), label).toEqual(["'self'", `ws://${shells.host}`, `ws://127.0.0.1:${process.env.E2E_SECOND_RUNNER_PORT}`]);
  return nonce!;
}

test('every page carries the security headers with a fresh nonce, and the terminal works under the CSP', async ({ page }) => {
  test.setTimeout(300_000);
  expect(runnerUrl, 'E2E_RUNNER_URL').toBeTruthy();
  const violations = await recordViolations(page);
  const nonces = new Set<string>();

  for (const path of ['/', '/sign-in', '/sign-up', '/courses']) {
    const response = await page.goto(path);
    nonces.add(expectSecurityHeaders(response, path));
    await expect(page.locator('h1').first()).toBeVisible();
  }
  expect(nonces.size, 'a new nonce per response').toBe(4);

  // Every script in the HTML carries this response's nonce: Next put it there.
  const home = await page.request.get('/');
  const nonce = expectSecurityHeaders(home, 'GET / (request)');
  const scripts = [...(await home.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  // Static assets and API answers get the static headers too.
  const asset = scripts.map((tag) => /src="([^"]+)"/.exec(tag)?.[1]).find((src) => src?.startsWith('/_next/static/'));
  expect(asset).toBeTruthy();
  expect((await page.request.get(asset!)).headers()['x-content-type-options']).toBe('nosniff');
  const api = await page.request.get('/api/sandboxes?exercise=first-pod');
  expect(api.status()).toBe(401);
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  expect(api.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

  await signUp(page, 'Careful Learner', uniqueEmail('csp'), 'careful password 1');
  // A sign-up hashes the password twice (create, then sign in): seconds on a loaded machine.
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  expectSecurityHeaders(await page.goto(LESSON), LESSON);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expectSecurityHeaders(await page.goto(EXERCISE), EXERCISE);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your first Pod');

  // The shell: xterm renders, the WebSocket to the runner opens, bytes go both ways.
  await waitForShell(page, 'csp-shell');
  await typeInTerminal(page, 'kubectl get pods\n');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('No resources found');

  expect(violations).toEqual([]);
  const sandbox = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
  expect((await page.request.delete(`/api/sandboxes/${sandbox}`, { headers: { origin: new URL(page.url()).origin } })).status()).toBe(200);
});

test('the JSON API refuses a state change from a foreign origin with 403, and takes it from its own', async ({ page }) => {
  await signUp(page, 'Origin Learner', uniqueEmail('origin'), 'origin password 1');
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  const own = new URL(page.url()).origin;
  const port = Number(new URL(own).port);
  for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null']) {
    const refused = await page.request.post('/api/sandboxes', { headers: { origin }, data: { exercise: 'no-such-exercise' } });
    expect(refused.status(), origin).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    expect((await page.request.delete('/api/sandboxes/any', { headers: { origin } })).status(), origin).toBe(403);
  }
  // A browser page of another site that sends no Origin but says where it is from.
  expect((await page.request.post('/api/sandboxes', { headers: { 'sec-fetch-site': 'cross-site' }, data: {} })).status()).toBe(403);
  // The app itself gets through to the route (which then answers for the body).
  expect((await page.request.post('/api/sandboxes', { headers: { origin: own }, data: { exercise: 'no-such-exercise' } })).status()).toBe(404);

  // From a real page on another origin (the runner's port): the browser's own fetch is refused.
  const foreign = await page.context().newPage();
  await foreign.goto(`${runnerUrl}/healthz`);
  const status = await foreign.evaluate(async (target) => {
    // no-cors hides the answer from the page; Cross-Origin-Resource-Policy makes the browser drop it.
    return fetch(target, { method: 'POST', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"exercise":"first-pod"}', mode: 'no-cors' })
      .then((response) => response.type, () => 'blocked');
  }, `${own}/api/sandboxes`);
  // What matters is that nothing was created.
  expect(['opaque', 'blocked']).toContain(status);
  const mine = await page.request.get('/api/sandboxes?exercise=first-pod');
  expect(await mine.json()).toEqual({ state: null });
  await foreign.close();
});
