// zh-CN and en: the default follows Accept-Language, the switch keeps the page and is remembered.
import { expect, test } from '@playwright/test';
import { signIn, signUp, uniqueEmail } from './accounts';

test('the language follows Accept-Language when nothing was chosen', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('动手学 Kubernetes');
  await expect(page.getByRole('link', { name: '登录', exact: true }).first()).toBeVisible();
  await context.close();
});

test('the switch keeps the current page and the choice is remembered', async ({ page }) => {
  await page.goto('/sign-up');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create your Kubelab account');
  await page.getByRole('button', { name: '简体中文' }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('创建 Kubelab 账号');
  await expect(page.getByLabel('邮箱')).toBeVisible();
  await expect(page.getByRole('button', { name: '简体中文' })).toHaveAttribute('aria-pressed', 'true');

  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 2, name: '课程' })).toBeVisible();

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Courses' })).toBeVisible();
});

test('the home page is readable on a 390 px wide phone', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeAttached();
  await context.close();
});

test('a signed-in choice follows the account to another browser', async ({ browser }) => {
  const email = uniqueEmail('polyglot');
  const first = await browser.newContext();
  const page = await first.newPage();
  await signUp(page, 'Poly Glot', email, 'polyglot password 1');
  await expect(page.getByTestId('session')).toContainText('Poly Glot');
  await page.getByRole('button', { name: '简体中文' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('动手学 Kubernetes');
  await first.close();

  const second = await browser.newContext({ locale: 'en-US' });
  const other = await second.newPage();
  await signIn(other, email, 'polyglot password 1');
  await expect(other).toHaveURL(/\/$/);
  await expect(other.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(other.getByTestId('session')).toContainText('已登录：Poly Glot');
  await second.close();
});
