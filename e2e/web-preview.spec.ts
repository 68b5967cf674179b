// Web preview: a learner opens what their Pod serves in a tab of its own, through the runner;
// the link works once, and another learner's browser (no cookie for that preview) is refused.
import { expect, test } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { expectNoSeriousA11yViolations, typeInTerminal, waitForShell } from './learner-helpers';

// The proxy-sidecar exercise's Pod, on one line for the terminal.
const MESHED = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'meshed' },
  spec: {
    containers: [
      { name: 'app', image: 'busybox', command: ['sh', '-c', 'mkdir -p /www && echo hello through the proxy > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'] },
      { name: 'proxy', image: 'busybox', command: ['sh', '-c', 'exec nc -ll -p 8000 -e nc 127.0.0.1 8080'], ports: [{ containerPort: 8000 }] },
    ],
  },
};

test('a learner previews the page their Pod serves; the link works once and nobody else can open it', async ({ page, browser }) => {
  test.setTimeout(420_000);
  await signUp(page, 'Preview Learner', uniqueEmail('preview'), 'preview password 1');
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/exercises/proxy-sidecar');
  await waitForShell(page, 'preview');
  await typeInTerminal(page, `echo '${JSON.stringify(MESHED)}' | kubectl apply -f -\n`);

  const meshed = page.getByTestId('pods-panel').locator('[data-pod="meshed"]');
  await expect(meshed.first()).toContainText('Running', { timeout: 180_000 });
  const form = page.getByTestId('preview-form');
  await expect(form.getByLabel('Pod')).toHaveValue('default/meshed');
  // The declared containerPort fills the port in.
  await expect(form.getByLabel('Port')).toHaveValue('8000');
  await expectNoSeriousA11yViolations(page, 'exercise page with the preview form');

  const issued = page.waitForResponse((r) => /\/api\/sandboxes\/[^/]+\/previews$/.test(r.url()) && r.request().method() === 'POST');
  const [tab] = await Promise.all([page.context().waitForEvent('page'), form.getByRole('button', { name: 'Open preview' }).click()]);
  const ticketUrl = ((await (await issued).json()) as { url: string }).url;
  await expect(tab.locator('body')).toContainText('hello through the proxy', { timeout: 60_000 });
  const origin = new URL(tab.url()).origin;
  expect(new URL(origin).hostname).toMatch(/^[a-z0-9]{24}\.preview\.localhost$/);
  // The preview tab cannot reach back into the exercise page.
  expect(await tab.evaluate(() => window.opener)).toBeNull();

  // Another learner's browser: neither the page nor the (used) link opens anything.
  const stranger = await (await browser.newContext()).newPage();
  const direct = await stranger.goto(origin);
  expect(direct?.status()).toBe(403);
  await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('This preview is private');
  const replay = await stranger.goto(ticketUrl);
  expect(replay?.status()).toBe(403);
  await expect(stranger.getByRole('heading', { level: 1 })).toHaveText('This preview link was already used or has expired');
  await stranger.context().close();

  // A port nothing listens on says so in the tab.
  await form.getByLabel('Port').fill('8081');
  const [closed] = await Promise.all([page.context().waitForEvent('page'), form.getByRole('button', { name: 'Open preview' }).click()]);
  await expect(closed.getByRole('heading', { level: 1 })).toHaveText('Nothing answers on port 8081 in Pod meshed', { timeout: 60_000 });

  const sandbox = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
  expect((await page.request.delete(`/api/sandboxes/${sandbox}`)).status()).toBe(200);
  // The sandbox ended: the preview went with it.
  await tab.reload();
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('This preview is private');
});
