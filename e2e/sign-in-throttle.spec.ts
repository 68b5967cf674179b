// Repeated failed sign-ins: after 5 failures for one email in 15 minutes the form refuses with a
// message that reads the same whether the account exists or not, even for the right password.
import { expect, test, type Page } from '@playwright/test';
import { signIn, signOut, signUp, uniqueEmail } from './accounts';

const THROTTLED = 'Too many failed sign-in attempts. Please wait 15 min and try again.';

async function messageFor(page: Page, email: string, password: string): Promise<string | null> {
  await page.goto('/sign-in');
  await signIn(page, email, password);
  await expect(page.getByTestId('form-error')).toBeVisible();
  return page.getByTestId('form-error').textContent();
}

test('five failed sign-ins for an email, existing or not, refuse the sixth try with the same message', async ({ page }) => {
  // Fourteen sign-ins, each a page load and a password hash: on a loaded two-core machine that
  // is more than one test's usual budget.
  test.slow();
  const existing = uniqueEmail('throttled');
  await signUp(page, 'Throttled Learner', existing, 'the right password 1');
  await expect(page).toHaveURL(/\/$/);
  await signOut(page);

  for (const email of [existing, uniqueEmail('nobody')]) {
    for (let i = 1; i <= 5; i++) expect(await messageFor(page, email, `wrong password ${i}`)).toBe('The email or password is incorrect.');
    expect(await messageFor(page, email, 'wrong password 6')).toBe(THROTTLED);
  }
  // While refused, even the right password is not looked at.
  expect(await messageFor(page, existing, 'the right password 1')).toBe(THROTTLED);
});
