// The live panel explains a Pod the scheduler turned down, in the scheduler's own words: the
// "scheduled as one" exercise starts with such a Pod (each container fits the node, the sum does not).
import { expect, test } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { expectNoSeriousA11yViolations } from './learner-helpers';

test('the live panel says why a Pod is Pending: the scheduler found no node with room for it', async ({ page }) => {
  await signUp(page, 'Pending Learner', uniqueEmail('pending'), 'pending password 1');
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/exercises/scheduled-together');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Scheduled as one: a Pod that does not fit');
  const pair = page.getByTestId('pods-panel').locator('[data-pod="pair"]');
  await expect(pair.first()).toContainText('Pending (Unschedulable)', { timeout: 180_000 });
  await expect(pair.first()).toContainText('0/1 nodes are available: 1 Insufficient memory.');
  // Both containers are listed, neither started.
  await expect(pair).toHaveCount(2);
  await expect(pair.nth(0)).toContainText('web');
  await expect(pair.nth(1)).toContainText('shipper');
  await expectNoSeriousA11yViolations(page, 'exercise page with a Pending Pod');
  const sandbox = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
  expect((await page.request.delete(`/api/sandboxes/${sandbox}`)).status()).toBe(200);
});
