// A learner goes through the course in one sitting: six exercises opened in a row, each with a
// working shell (opening one ends the sandbox of the one before, so there is no wall after
// three); Check updates the header at once; the countdown follows the runner's deadline; a
// reload keeps the same shell.
import { expect, test } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { terminalText, typeInTerminal, waitForShell } from './learner-helpers';

const EXERCISES = ['first-pod', 'scheduled-together', 'image-pull-backoff', 'localhost-talk', 'port-clash', 'counter-hostpath'];

test.use({ viewport: { width: 1280, height: 900 } });

test('a learner opens six exercises in a row and has a working shell in each', async ({ page }) => {
  test.setTimeout(900_000);
  await signUp(page, 'Walking Learner', uniqueEmail('walk'), 'walking password 1');
  await expect(page.getByText('Welcome, Walking Learner.')).toBeVisible();

  let previous: string | null = null;
  for (const [n, ref] of EXERCISES.entries()) {
    await page.goto(`/exercises/${ref}`);
    await waitForShell(page, `walk-${n}`);
    const sandboxId = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
    expect(sandboxId).toBeTruthy();
    await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);
    if (previous) {
      // The sandbox of the exercise before was ended for this one; its attempts stay.
      const before = await page.request.get(`/api/sandboxes/${previous}`);
      expect(before.status()).toBe(200);
      expect(((await before.json()) as { state: string }).state).toMatch(/^(deleting|deleted)$/);
    }
    previous = sandboxId;

    if (n === 0) {
      // Check updates the header's state at once, without a reload.
      await expect(page.getByTestId('exercise-progress')).toContainText('Not started');
      await page.getByTestId('check-button').click();
      await expect(page.getByTestId('history').locator('li')).toHaveCount(1, { timeout: 120_000 });
      await expect(page.getByTestId('exercise-progress')).toContainText('In progress', { timeout: 30_000 });

      // The countdown follows the runner: activity in the shell moves the deadline out.
      const timeLeft = page.getByTestId('time-left');
      const deadline = Number(new Date((await timeLeft.getAttribute('data-expires-at'))!));
      // (The runner records a shell's activity at most every 5 s, so keep typing until it has.)
      await expect(async () => {
        await typeInTerminal(page, 'echo still-here\n');
        expect(Number(new Date((await timeLeft.getAttribute('data-expires-at'))!))).toBeGreaterThan(deadline);
      }).toPass({ timeout: 60_000, intervals: [2_000] });
    }
  }

  // A reload keeps the same shell: a variable set before it is still set after.
  await typeInTerminal(page, 'export KL_RELOAD=still-$((40+2))\n');
  await page.reload();
  await expect(page.getByTestId('terminal-status').first()).toHaveAttribute('data-state', 'connected', { timeout: 60_000 });
  await expect(async () => {
    await typeInTerminal(page, 'echo "reload=$KL_RELOAD"\n');
    await expect.poll(() => terminalText(page), { timeout: 5_000 }).toContain('reload=still-42');
  }).toPass({ timeout: 60_000, intervals: [1_000, 3_000] });
  expect(await terminalText(page)).not.toContain('a new shell');
});
