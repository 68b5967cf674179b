// Each seeded role signs in from Chromium and lands in its own area; the role checks hold.
import { expect, test } from '@playwright/test';
import { admin, instructor, signIn, signOut } from './accounts';

test('the admin signs in, sees the admin area, and signs out', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Administration' })).toBeVisible();
  await expect(page.getByTestId('session')).toContainText('Admin');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Admin' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Authoring' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: admin.email })).toContainText('you');
  await signOut(page);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin$/);
});

test('the instructor signs in, sees the authoring area, and may not enter the admin area', async ({ page }) => {
  await signIn(page, instructor.email, instructor.password);
  await expect(page).toHaveURL(/\/instructor$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Authoring' })).toBeVisible();
  await expect(page.getByTestId('session')).toContainText('Instructor');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Authoring' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByText('Your account (Instructor) cannot open this page.')).toBeVisible();
});

test('a signed-out visitor sent to sign-in comes back to the page they asked for', async ({ page }) => {
  await page.goto('/instructor');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Finstructor$/);
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/instructor$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Authoring' })).toBeVisible();
});

test('a wrong password and an unknown email get the same message', async ({ page }) => {
  const messageFor = async (email: string) => {
    await page.goto('/sign-in'); // a fresh form: no message from the previous attempt
    await expect(page.getByTestId('form-error')).toHaveCount(0);
    await signIn(page, email, 'not-the-password');
    await expect(page.getByTestId('form-error')).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in$/);
    return page.getByTestId('form-error').textContent();
  };
  const wrongPassword = await messageFor(admin.email);
  const unknownEmail = await messageFor(`nobody-${Date.now()}@e2e.kubelab.test`);
  expect(wrongPassword).toBe('The email or password is incorrect.');
  expect(unknownEmail).toBe(wrongPassword);
  // The email is kept for another try; the password is not.
  await expect(page.getByLabel('Email')).toHaveValue(/^nobody-/);
  await expect(page.getByLabel('Password')).toHaveValue('');
});

test("next-auth's own credentials endpoint gives the same answer for a wrong password and an unknown email", async ({ page }) => {
  const locationFor = async (email: string) => {
    const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const response = await page.request.post('/api/auth/callback/credentials', {
      form: { csrfToken, email, password: 'not-the-password', callbackUrl: '/' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(302);
    return new URL(response.headers().location ?? '', process.env.E2E_BASE_URL);
  };
  const wrongPassword = await locationFor(admin.email);
  const unknownEmail = await locationFor(`nobody-${Date.now()}@e2e.kubelab.test`);
  expect(wrongPassword.pathname).toBe('/sign-in');
  expect(wrongPassword.search).toBe(unknownEmail.search);
  await page.goto(`${wrongPassword.pathname}${wrongPassword.search}`);
  await expect(page.getByTestId('auth-error')).toHaveText('The email or password is incorrect.');
});
