// Learner self-sign-up, the admin's control over it, and disabled accounts.
import { expect, test, type Browser } from '@playwright/test';
import { admin, signIn, signOut, signUp, uniqueEmail } from './accounts';

async function asAdmin(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/admin$/);
  return { page, close: () => context.close() };
}

async function setSignup(browser: Browser, open: boolean): Promise<void> {
  const { page, close } = await asAdmin(browser);
  const button = page.getByRole('button', { name: open ? 'Open sign-up' : 'Close sign-up' });
  if (await button.isVisible()) await button.click();
  await expect(page.getByTestId('signup-state')).toHaveText(
    open ? 'Anyone can create a learner account.' : 'Sign-up is closed: only an administrator can add people.',
  );
  await close();
}

test('a new learner signs up, lands on the catalogue, signs out and signs in again', async ({ browser, page }) => {
  await setSignup(browser, true);
  const email = uniqueEmail('learner');
  await signUp(page, 'Lin Learner', email, 'learner password 1');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText('Welcome, Lin Learner. Pick a course below to start.')).toBeVisible();
  await expect(page.getByTestId('session')).toContainText('Learner');
  await expect(page.getByRole('heading', { level: 2, name: 'Courses' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Authoring' })).toHaveCount(0);

  await signOut(page);
  await signIn(page, email, 'learner password 1');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('session')).toContainText('Signed in as Lin Learner');
  expect((await page.goto('/instructor'))?.status()).toBe(403);
});

test('sign-up checks its fields and refuses a taken email', async ({ browser, page }) => {
  await setSignup(browser, true);
  await signUp(page, 'Short', uniqueEmail('short'), 'short');
  // The browser's own minlength check stops the form first; bypass it to reach the server's.
  await page.getByLabel('Password').evaluate((el) => el.removeAttribute('minlength'));
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('The password must be at least 10 characters.')).toBeVisible();

  await signUp(page, 'Again', admin.email, 'some long password');
  await expect(page.getByTestId('form-error')).toHaveText('An account with this email already exists. Please sign in instead.');
});

test('when the admin closes sign-up, sign-up is refused with a clear message', async ({ browser, page }) => {
  // A visitor opened the form while sign-up was still open.
  await setSignup(browser, true);
  await page.goto('/sign-up');
  await setSignup(browser, false);
  try {
    await page.getByLabel('Name').fill('Late Comer');
    await page.getByLabel('Email').fill(uniqueEmail('late'));
    await page.getByLabel('Password').fill('late password 1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByTestId('form-error')).toHaveText('Sign-up is closed. Please ask an administrator for an account.');
    await page.goto('/sign-up');
    await expect(page.getByTestId('signup-closed')).toHaveText('Sign-up is closed. Please ask an administrator for an account.');
    await expect(page.getByRole('button', { name: 'Create account' })).toHaveCount(0);
  } finally {
    await setSignup(browser, true);
  }
});

test('an admin disables a learner: sign-in says so, and the open session ends', async ({ browser, page }) => {
  await setSignup(browser, true);
  const email = uniqueEmail('disabled');
  await signUp(page, 'Dee Disabled', email, 'disabled password 1');
  await expect(page.getByTestId('session')).toContainText('Dee Disabled');

  const adminSession = await asAdmin(browser);
  const row = adminSession.page.getByTestId(`user-${email}`);
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(adminSession.page.getByTestId(`user-${email}`)).toContainText('Disabled');
  await adminSession.close();

  await page.reload();
  await expect(page.getByRole('link', { name: 'Sign in', exact: true }).first()).toBeVisible();
  await signIn(page, email, 'disabled password 1');
  await expect(page.getByTestId('form-error')).toHaveText('This account has been disabled. Please contact an administrator.');
  // A wrong password on a disabled account reveals nothing more than on any other.
  await signIn(page, email, 'wrong password 1');
  await expect(page.getByTestId('form-error')).toHaveText('The email or password is incorrect.');
});

test('an admin promotes a learner to instructor', async ({ browser, page }) => {
  await setSignup(browser, true);
  const email = uniqueEmail('promoted');
  await signUp(page, 'Pat Promoted', email, 'promoted password 1');
  await expect(page.getByTestId('session')).toContainText('Learner');

  const adminSession = await asAdmin(browser);
  const row = adminSession.page.getByTestId(`user-${email}`);
  await row.getByLabel(`Role for ${email}`).selectOption('instructor');
  await row.getByRole('button', { name: 'Save role' }).click();
  await expect(adminSession.page.getByTestId(`user-${email}`).getByLabel(`Role for ${email}`)).toHaveValue('instructor');
  await adminSession.close();

  await page.goto('/instructor');
  await expect(page.getByRole('heading', { level: 1, name: 'Authoring' })).toBeVisible();
  await expect(page.getByTestId('session')).toContainText('Instructor');
});
