// The learner's whole journey through the real platform: the web app, the lab-runner, the
// embedded cluster on podman, real kubectl in the toolbox. A new learner signs up, opens the
// counter exercise, types the Pod into the shell, watches the checks tick live, presses Check,
// finds the progress updated, opens a hint, switches language, reloads into the same sandbox
// and shell; a second learner cannot reach that sandbox by any URL or ticket.
import { gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { expectNoSeriousA11yViolations, terminalText, typeInTerminal, waitForShell } from './learner-helpers';

const EXERCISE = '/exercises/counter-hostpath';
const CHECKS = ['two-containers', 'hostpath-volume', 'volume-shared', 'sidecar-tails', 'file-on-node'];
/**
 * The exercise page may ship at most this much JavaScript, gzipped: the web app sends it
 * uncompressed and the reverse proxy in front of a deployment compresses (README).
 */
const JS_BUDGET_BYTES = 350 * 1024;

const COUNTER_POD = `kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: counter}
spec:
  volumes: [{name: varlog, hostPath: {path: /var/log/counter}}]
  containers:
  - name: count
    image: busybox
    args: [/bin/sh, -c, 'i=0; while true; do echo "$i: $(date)" >> /var/log/1.log; i=$((i+1)); sleep 1; done']
    volumeMounts: [{name: varlog, mountPath: /var/log}]
  - name: count-log
    image: busybox
    args: [/bin/sh, -c, 'tail -n+1 -f /opt/log/1.log']
    volumeMounts: [{name: varlog, mountPath: /opt/log}]
YAML
`;

const opens = (p: Page, target: string) =>
  p.evaluate(
    (u) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(u);
        ws.onopen = () => {
          ws.close();
          resolve(true);
        };
        ws.onerror = () => resolve(false);
      }),
    target,
  );

// A tablet: the terminal is usable from this width up (instructions beside it from 768 px).
test.use({ viewport: { width: 820, height: 1180 } });

test('a learner solves the counter exercise in a real sandbox and another learner cannot reach it', async ({ browser, page }) => {
  test.setTimeout(420_000);
  await signUp(page, 'Journey Learner', uniqueEmail('journey'), 'journey password 1');
  await expect(page).toHaveURL(/\/$/);

  // Keeps the page's WebSockets reachable so the test can drop them as a network failure would.
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const open: WebSocket[] = [];
    (window as unknown as { __kubelabSockets: WebSocket[] }).__kubelabSockets = open;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        open.push(this);
      }
    } as typeof WebSocket;
  });

  const scripts = new Map<string, number>();
  page.on('requestfinished', async (request) => {
    if (request.resourceType() !== 'script') return;
    const body = await (await request.response())?.body().catch(() => undefined);
    if (body) scripts.set(request.url(), gzipSync(body).length);
  });

  await page.goto(EXERCISE);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('counter: a shared hostPath volume and a log-tailing sidecar');
  await expect(page.getByTestId('provisioning')).toBeVisible();
  await waitForShell(page, 'kubelab-ready');
  await expect(page.getByTestId('provisioning')).toHaveAttribute('data-stage', 'ready');
  const sandboxId = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
  expect(sandboxId).toBeTruthy();

  // Everything the page loaded, xterm included, is within the budget.
  const shipped = [...scripts.values()].reduce((sum, size) => sum + size, 0);
  console.log(`exercise page JavaScript: ${(shipped / 1024).toFixed(1)} KiB in ${scripts.size} scripts`);
  expect(shipped).toBeGreaterThan(0);
  expect(shipped).toBeLessThanOrEqual(JS_BUDGET_BYTES);
  await expectNoSeriousA11yViolations(page, 'exercise page');

  // Nothing passes before the learner acts.
  for (const id of CHECKS) await expect(page.locator(`[data-check="${id}"]`)).not.toHaveAttribute('data-passed', 'true');

  await typeInTerminal(page, COUNTER_POD);
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('pod/counter created');

  // The live checks tick by themselves as the Pod comes up and the counter grows.
  for (const id of CHECKS) {
    await expect(page.locator(`[data-check="${id}"]`)).toHaveAttribute('data-passed', 'true', { timeout: 150_000 });
  }
  await expect(page.getByTestId('pods-panel').locator('[data-pod="counter"]').first()).toContainText('running', { timeout: 30_000 });

  await page.getByTestId('check-button').click();
  await expect(page.getByTestId('check-summary')).toHaveText('Every check passed. Well done!', { timeout: 120_000 });
  for (const id of CHECKS) await expect(page.locator(`[data-check="${id}"]`)).toHaveAttribute('data-passed', 'true');
  await expect(page.getByTestId('history').locator('li').first()).toContainText('passed');

  // A second terminal tab is its own shell in the same sandbox.
  await page.getByRole('button', { name: 'New terminal tab' }).click();
  await expect(page.getByRole('tab', { name: 'Terminal 2' })).toHaveAttribute('aria-selected', 'true');
  await waitForShell(page, 'second-tab');
  expect(await terminalText(page)).not.toContain('kubelab-ready-42');

  // Paste with Ctrl+Shift+V, and a larger font.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((2+3))'));
  await page.locator('[role="tabpanel"]:not([hidden]) [data-testid="terminal"]').click();
  await page.keyboard.press('Control+Shift+V');
  await page.keyboard.press('Enter');
  await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('pasted-5');
  const fontSize = () => page.locator('[role="tabpanel"]:not([hidden]) .xterm-rows').evaluate((el) => getComputedStyle(el).fontSize);
  const before = await fontSize();
  await page.getByRole('button', { name: 'Larger text' }).click();
  await expect.poll(fontSize).not.toBe(before);

  // Escape then Tab leaves the terminal for the next control.
  await page.locator('[role="tabpanel"]:not([hidden]) [data-testid="terminal"]').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="terminal"]')))).toBe(false);
  await page.getByRole('tab', { name: 'Terminal 1' }).click();
  await expect.poll(() => terminalText(page)).toContain('kubelab-ready-42');

  await page.goto('/progress');
  await expect(page.locator('[data-exercise="counter-hostpath"]')).toContainText('Passed');
  await expect(page.locator('[data-exercise="counter-hostpath"]')).toContainText('8 / 8 points');
  await expectNoSeriousA11yViolations(page, 'progress page');

  // The catalogue offers to pick up with the next exercise.
  await page.goto('/courses');
  await expect(page.getByTestId('resume').getByRole('link')).toHaveText('Next up: “counter with emptyDir: how long does the data live?”');

  // A hint, revealed one at a time.
  await page.goto(EXERCISE);
  const firstCheck = page.locator('[data-check="two-containers"]');
  await firstCheck.getByRole('button', { name: 'Show hint 1 of 2' }).click();
  await expect(firstCheck.getByTestId('hint')).toHaveCount(1);
  await expect(firstCheck.getByTestId('hint')).toContainText("Both containers go in the same Pod's");
  await expect(firstCheck.getByRole('button', { name: 'Show hint 2 of 2' })).toBeVisible();

  // The language switch keeps the page, the sandbox and the revealed hint.
  await page.getByRole('button', { name: '简体中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page).toHaveURL(new RegExp(`${EXERCISE}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('counter：hostPath 共享卷与日志 sidecar');
  await expect(page.locator('[data-check="two-containers"]').getByTestId('hint')).toContainText('两个容器都写在同一个 Pod 的');
  await expect(page.locator('[data-sandbox]')).toHaveAttribute('data-sandbox', sandboxId!);

  // A reload finds the same sandbox, and the same shell's output. The runner replays the last
  // screenful, so the proof is a line written just before the reload (earlier lines may have
  // scrolled out of it through resizes and redraws, as on any terminal).
  await waitForShell(page, 'before-reload');
  await page.reload();
  await expect(page.locator('[data-sandbox]')).toHaveAttribute('data-sandbox', sandboxId!);
  await expect(page.getByTestId('terminal-status').first()).toHaveAttribute('data-state', 'connected', { timeout: 60_000 });
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('before-reload-42');
  await expect(page.getByTestId('exercise-progress')).toContainText('已通过');

  // A dropped connection: the terminal says so, reconnects by itself, and the shell is back.
  await page.evaluate(() => {
    for (const ws of (window as unknown as { __kubelabSockets: WebSocket[] }).__kubelabSockets) ws.close();
  });
  await expect(page.getByTestId('terminal-status').first()).toHaveAttribute('data-state', 'reconnecting');
  await expect(page.getByTestId('terminal-status').first()).toContainText('连接已断开');
  await expect(page.getByTestId('terminal-status').first()).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await expect(page.getByTestId('terminal-status').first()).toContainText('已重新连接');
  await waitForShell(page, 'after-reconnect');

  // More time, then the solution behind its confirmation.
  await page.getByRole('button', { name: '延长时间' }).click();
  await expect(page.getByTestId('time-left')).toContainText('剩余时间');
  // (Next.js keeps an empty route announcer with role=alert on every page.)
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);
  await page.getByRole('button', { name: '查看参考答案' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定查看' }).click();
  await expect(page.getByTestId('solution')).toContainText('kubectl apply -f -');

  // A ticket is good for one connection only.
  const ticket = await page.request.post(`/api/sandboxes/${sandboxId}/tickets`, { data: { terminal: 't9' } });
  expect(ticket.status()).toBe(200);
  const { url } = (await ticket.json()) as { url: string };
  expect(await opens(page, url)).toBe(true);

  // The second learner: nothing of the first learner's sandbox answers, not even a used ticket.
  const other = await browser.newContext();
  const intruder = await other.newPage();
  await signUp(intruder, 'Other Learner', uniqueEmail('intruder'), 'intruder password 1');
  await expect(intruder).toHaveURL(/\/$/);
  const api = intruder.request;
  const statuses = [
    (await api.get(`/api/sandboxes/${sandboxId}`)).status(),
    (await api.delete(`/api/sandboxes/${sandboxId}`)).status(),
    (await api.post(`/api/sandboxes/${sandboxId}/tickets`, { data: { terminal: 't1' } })).status(),
    (await api.post(`/api/sandboxes/${sandboxId}/checks`)).status(),
    (await api.post(`/api/sandboxes/${sandboxId}/extend`)).status(),
    (await api.get(`/api/sandboxes/${sandboxId}/pods`)).status(),
  ];
  expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
  expect(await opens(intruder, url)).toBe(false);
  const anonymous = await browser.newContext();
  expect((await anonymous.request.get(new URL(`/api/sandboxes/${sandboxId}`, page.url()).toString())).status()).toBe(401);
  await anonymous.close();
  await other.close();

  // The first learner's sandbox is untouched by all that.
  const mine = await page.request.get(`/api/sandboxes/${sandboxId}`);
  expect(((await mine.json()) as { state: string }).state).toBe('ready');

  // Reset: a fresh sandbox with an empty cluster; the attempts stay.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: '重置沙箱' }).click();
  await expect(page.locator('[data-sandbox]')).not.toHaveAttribute('data-sandbox', sandboxId!, { timeout: 180_000 });
  const freshId = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
  await waitForShell(page, 'fresh');
  await typeInTerminal(page, 'kubectl get pods\n');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('No resources found');
  await expect(page.getByTestId('history').locator('li').first()).toContainText('通过');
  expect((await page.request.get(`/api/sandboxes/${sandboxId}`)).status()).toBe(200);
  expect((await page.request.delete(`/api/sandboxes/${freshId}`)).status()).toBe(200);
});
