// The learner's reading pages without a sandbox: the catalogue with progress and resume, a
// course, the lesson reader (diagrams with alt text, copyable code, a language switch that
// keeps the reader's place), progress; accessible (axe) and readable at 390 px.
import { expect, test } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { expectNoHorizontalScroll, expectNoSeriousA11yViolations } from './learner-helpers';

const LESSON = '/courses/pods/shared-volumes';

test.describe('learner pages', () => {
  test.beforeEach(async ({ page }) => {
    await signUp(page, 'Reader Learner', uniqueEmail('reader'), 'reader password 1');
    await expect(page).toHaveURL(/\/$/);
  });

  test('the catalogue, a course and a lesson, with figures, copyable code and progress', async ({ page, context }) => {
    await page.goto('/courses');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Courses');
    await expect(page.getByRole('link', { name: 'Pods: the smallest thing Kubernetes schedules' })).toBeVisible();
    await expect(page.getByText(/0 of \d+ exercises passed/)).toBeVisible();
    await expect(page.getByTestId('resume')).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, 'catalogue');

    await page.getByRole('link', { name: 'Pods: the smallest thing Kubernetes schedules' }).click();
    await expect(page).toHaveURL(/\/courses\/pods$/);
    await expect(page.getByRole('link', { name: 'Sharing files through Pod-level volumes' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'counter: a shared hostPath volume and a log-tailing sidecar' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'course');

    await page.getByRole('link', { name: 'Sharing files through Pod-level volumes' }).click();
    await expect(page).toHaveURL(new RegExp(`${LESSON}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sharing files through Pod-level volumes');
    const figure = page.locator('figure img').first();
    await expect(figure).toHaveAttribute('alt', /count-log reads/);
    const svg = await page.request.get((await figure.getAttribute('src'))!);
    expect(svg.status()).toBe(200);
    expect(svg.headers()['content-type']).toContain('image/svg+xml');
    expect(await svg.text()).toContain('<svg');
    expect(await figure.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const block = page.locator('pre code').first();
    const code = await block.innerText();
    await page.getByRole('button', { name: 'Copy this code to the clipboard' }).first().click();
    await expect(page.getByRole('button', { name: 'Copied' }).first()).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await expect(page.getByRole('link', { name: 'counter: a shared hostPath volume and a log-tailing sidecar' })).toBeVisible();
    await expect(page.locator('[data-status="not_started"]').first()).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'lesson');

    await page.goto('/progress');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('My progress');
    await expect(page.getByText('No attempts yet.')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'progress');
  });

  test('the language switch keeps the lesson and the section being read', async ({ page }) => {
    await page.goto(LESSON);
    const second = page.locator('#section-2');
    await second.scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('section-2')!.scrollIntoView({ block: 'start' }));
    await expect(page).toHaveURL(/\?at=section-2$/);
    // The header's switch picks the place up from the URL on its next render.
    await expect(page.locator('input[name="returnTo"]')).toHaveValue(/\?at=section-2$/);
    await page.getByRole('button', { name: '简体中文' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page).toHaveURL(new RegExp(`${LESSON}\\?at=section-2$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('用 Pod 级别的 Volume 共享文件');
    await expect.poll(() => page.evaluate(() => Math.abs(document.getElementById('section-2')!.getBoundingClientRect().top))).toBeLessThan(120);
    await expectNoSeriousA11yViolations(page, 'lesson (zh-CN)');
  });

  test('every learner page reads on a 390 px wide phone', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/courses', '/courses/pods', LESSON, '/progress']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectNoHorizontalScroll(page);
    }
    // The exercise page too: tasks and checks read on a phone; the terminal waits for a wider screen.
    await page.goto('/exercises/first-pod');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your first Pod');
    await expect(page.getByText('The terminal needs a wider screen')).toBeVisible({ timeout: 180_000 });
    await expectNoHorizontalScroll(page);
    await expectNoSeriousA11yViolations(page, 'exercise page at 390 px');
    const sandbox = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
    expect((await page.request.delete(`/api/sandboxes/${sandbox}`)).status()).toBe(200);
  });

  test('the learner API refuses visitors and unknown sandboxes', async ({ page, browser }) => {
    expect((await page.request.get('/api/sandboxes/not-a-sandbox')).status()).toBe(404);
    expect((await page.request.post('/api/sandboxes', { data: { exercise: 'no-such-exercise' } })).status()).toBe(404);
    expect((await page.request.post('/api/sandboxes', { data: {} })).status()).toBe(400);
    const visitor = await browser.newContext();
    const base = new URL(page.url()).origin;
    expect((await visitor.request.post(`${base}/api/sandboxes`, { data: { exercise: 'counter-hostpath' } })).status()).toBe(401);
    expect((await visitor.request.get(`${base}${LESSON}/figures/shared-volume.svg`)).status()).toBe(401);
    const lesson = await visitor.request.get(`${base}${LESSON}`, { maxRedirects: 0 });
    expect([302, 303, 307]).toContain(lesson.status());
    await visitor.close();
  });
});
