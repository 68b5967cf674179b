// The learner pages as the built app serves them from its per-process content cache
// (lib/content/published.ts): an instructor's lesson edit, saved and published in the browser,
// shows on the learner's very next load of a page they had already seen; and the exercise page
// with a real running Pod in its Pods table does not scroll sideways on a 390 px wide phone.
import { expect, test } from '@playwright/test';
import { instructor, signIn, signUp, uniqueEmail } from './accounts';
import { expectNoHorizontalScroll } from './learner-helpers';

test("an instructor's lesson edit shows at once on a lesson page the learner already loaded", async ({ browser, page }) => {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const learnerContext = await browser.newContext();
  const learner = await learnerContext.newPage();
  await signUp(learner, 'Cached Learner', uniqueEmail('cached'), 'cached password 1');
  await expect(learner).toHaveURL(/\/$/);

  await signIn(page, instructor.email, instructor.password);
  await expect(page).toHaveURL(/\/instructor$/);
  await page.getByLabel('Lesson id (kebab-case)').fill(`cached-${suffix}`);
  await page.getByLabel('Title (English)').fill(`Cached ${suffix}`);
  await page.getByLabel('Title (Chinese)').fill(`缓存 ${suffix}`);
  await page.getByRole('button', { name: 'Create lesson' }).click();
  await expect(page).toHaveURL(/\/instructor\/lessons\//);
  const save = async (text: string, revision: number) => {
    await page.getByLabel('Text (English, Markdown)').fill(text);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved (revision ${revision}).` })).toBeVisible();
  };
  const setPublished = async (publish: boolean) => {
    await page.getByRole('button', { name: publish ? 'Publish lesson' : 'Unpublish lesson', exact: true }).click();
    await expect(page.getByTestId('lesson-state')).toHaveText(publish ? 'Published: learners see this lesson.' : 'Not published: learners do not see this lesson.');
  };
  await save(`# Cached ${suffix}\n\nThe first words of this lesson.\n`, 2);
  await setPublished(true);

  // The learner reads it twice: the lesson and the course outline are now kept by the web app.
  const lessonPath = `/courses/pods/cached-${suffix}`;
  await learner.goto(lessonPath);
  await expect(learner.locator('#lesson-text')).toContainText('The first words of this lesson.');
  await learner.reload();
  await expect(learner.locator('#lesson-text')).toContainText('The first words of this lesson.');

  // A saved draft is not for learners yet ...
  await page.getByLabel('Title (English)').fill(`Renamed ${suffix}`);
  await save(`# Renamed ${suffix}\n\nThe **second** words of this lesson.\n`, 3);
  await learner.reload();
  await expect(learner.locator('#lesson-text')).toContainText('The first words of this lesson.');
  // ... unpublished, the lesson is gone on the learner's next load ...
  await setPublished(false);
  expect((await learner.goto(lessonPath))?.status()).toBe(404);
  // ... and published again, the edit is there at once, title included, on the course page too.
  await setPublished(true);
  await learner.goto(lessonPath);
  await expect(learner.locator('#lesson-text strong')).toHaveText('second');
  await expect(learner.locator('#lesson-text')).not.toContainText('The first words');
  await expect(learner.getByRole('heading', { level: 1 })).toHaveText(`Renamed ${suffix}`);
  await learner.goto('/courses/pods');
  await expect(learner.getByRole('link', { name: `Renamed ${suffix}` })).toBeVisible();
  await setPublished(false);
  await learnerContext.close();
});

test('the exercise page with a running Pod listed does not scroll sideways at 390 px', async ({ page }) => {
  test.setTimeout(300_000);
  await signUp(page, 'Narrow Learner', uniqueEmail('narrow'), 'narrow password 1');
  await expect(page).toHaveURL(/\/$/);
  await page.setViewportSize({ width: 390, height: 844 });
  // The sidecar exercise starts with Pod "orders" running (its sidecar is the learner's task).
  await page.goto('/exercises/log-transform-sidecar');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A sidecar that turns a log into JSON');
  const orders = page.getByTestId('pods-panel').locator('[data-pod="orders"]');
  await expect(orders.first()).toContainText('Running', { timeout: 180_000 });
  await expectNoHorizontalScroll(page);
  // Chinese labels and messages are no wider for the page.
  await page.getByRole('button', { name: '简体中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(orders.first()).toContainText('Running', { timeout: 30_000 });
  await expectNoHorizontalScroll(page);
  const sandbox = await page.locator('[data-sandbox]').getAttribute('data-sandbox');
  expect((await page.request.delete(`/api/sandboxes/${sandbox}`)).status()).toBe(200);
});
