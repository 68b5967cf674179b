// A runner that dies under a learner: the web app knows two runners (scripts/lib/e2e.ts), the
// second with the most room, so the learner's sandbox is placed there. It is SIGKILLed while
// the learner's shell is open: the page says the sandbox was lost and that progress is kept,
// in their language, also after a reload, and "Start my sandbox" gives a working shell on the
// runner that is left.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { terminalText, typeInTerminal, waitForShell } from './learner-helpers';

const LOST_EN = 'Your sandbox was lost: the server running it stopped answering.';
const LOST_ZH = '你的沙箱丢失了：运行它的服务器已停止响应。';

let second: ChildProcess | undefined;

/** The second runner as `npm start` runs one: node with tsx's loader (a SIGKILL reaches the runner itself). */
async function startSecondRunner(): Promise<ChildProcess> {
  const port = process.env.E2E_SECOND_RUNNER_PORT;
  const token = process.env.E2E_SECOND_RUNNER_TOKEN;
  const dataDir = process.env.KUBELAB_DATA_DIR;
  if (!port || !token || !dataDir) throw new Error('run through `npm run e2e`: it sets E2E_SECOND_RUNNER_PORT/TOKEN and KUBELAB_DATA_DIR');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve('lab-runner'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      RUNNER_PORT: port,
      RUNNER_TOKEN: token,
      // Inside the platform's data directory and with its sandbox prefix: the platform's clean-up
      // removes what this runner leaves behind when it is killed.
      RUNNER_STATE_DIR: path.join(dataDir, 'second-runner'),
      RUNNER_MAX_SANDBOXES: '1000',
      RUNNER_WARM_POOL_SIZE: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  await expect(async () => {
    if (child.exitCode !== null) throw new Error(`the second runner exited ${child.exitCode}: ${stderr}`);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);
  }).toPass({ timeout: 180_000, intervals: [500, 1_000] });
  return child;
}

test.afterAll(() => {
  second?.kill('SIGKILL');
});

test('a sandbox lost with its runner: the page says so in the learner\'s language and a new sandbox works', async ({ page }) => {
  test.setTimeout(480_000);
  second = await startSecondRunner();

  await signUp(page, 'Lost Learner', uniqueEmail('lost'), 'lost sandbox password 1');
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/exercises/first-pod');
  await waitForShell(page, 'before');

  // Only the second runner going away can end this sandbox: if placement had used the first
  // runner, the page would keep its shell and the expectations below would fail.
  second.kill('SIGKILL');
  await expect(page.getByText(LOST_EN)).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(/Your progress, points and attempts are kept/)).toBeVisible();

  // A reload says the same rather than silently starting another sandbox; so does Chinese.
  await page.reload();
  await expect(page.getByText(LOST_EN)).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: '简体中文' }).click();
  await expect(page.getByText(LOST_ZH)).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'English' }).click();

  // The learner goes on, on the runner that is left.
  await page.getByRole('button', { name: 'Start my sandbox' }).click();
  await waitForShell(page, 'after');
  await typeInTerminal(page, 'kubectl get pods\n');
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain('No resources found in default namespace.');
  await expect(page.getByText(LOST_EN)).toHaveCount(0);
});
