// An instructor writes, tries, proves and publishes an exercise in the browser, against the real
// runner and engine: a new lesson, a new exercise with three checks on a Pod, an invalid line
// flagged where it is, a sandbox from the draft with a terminal and Check, "Prove it" showing
// every check fail before and pass after the solution, publish. A learner then finds the
// exercise, solves it and passes; the instructor sees that learner's result. The lesson keeps a
// version per save: a second editor saving from the same revision is refused with a diff and
// keeps their text, any version compares with the text being edited and restores as a new
// version. An admin finds these actions, named, in the audit log and its CSV. A learner reaches
// no authoring page, API or draft by URL; axe finds no serious or critical violation on the
// authoring pages.
import { expect, test, type Page } from '@playwright/test';
import { admin, instructor, signIn, signUp, uniqueEmail } from './accounts';
import { expectNoSeriousA11yViolations, typeInTerminal, waitForShell } from './learner-helpers';

const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const LESSON = `authored-${suffix}`;
const EXERCISE = `authored-pod-${suffix}`;
const TITLE = `Run web ${suffix}`;

/** Replaces the CodeMirror document with `text` as one input, as a paste would. */
async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.getByTestId('yaml-editor');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

async function editorText(page: Page): Promise<string> {
  // CodeMirror keeps its view on the content element; its document is the text as typed.
  type WithView = { cmView?: { view?: { state: { doc: { toString(): string } } } } };
  return page.getByTestId('yaml-editor').evaluate((el) => (el as unknown as WithView).cmView?.view?.state.doc.toString() ?? (el as HTMLElement).innerText);
}

test('an instructor writes, tries, proves and publishes an exercise; a learner solves it; lesson history and the audit log; authoring stays closed to learners', async ({ browser, page }) => {
  test.setTimeout(900_000);
  const learnerContext = await browser.newContext();
  const learner = await learnerContext.newPage();
  const learnerEmail = uniqueEmail('authored-learner');
  await signUp(learner, 'Authored Learner', learnerEmail, 'authored password 1');
  await expect(learner).toHaveURL(/\/$/);

  await signIn(page, instructor.email, instructor.password);
  await expect(page).toHaveURL(/\/instructor$/);
  await expect(page.getByTestId('source-rule')).toContainText('repository owns what is in exercises/');
  await expectNoSeriousA11yViolations(page, 'authoring list');

  // A new lesson in the Pods course, edited with a live preview as learners will see it.
  await page.getByLabel('Lesson id (kebab-case)').fill(LESSON);
  await page.getByLabel('Title (English)').fill(`Authored ${suffix}`);
  await page.getByLabel('Title (Chinese)').fill(`编写 ${suffix}`);
  await page.getByRole('button', { name: 'Create lesson' }).click();
  await expect(page).toHaveURL(/\/instructor\/lessons\//);
  await expect(page.getByTestId('lesson-state')).toHaveText('Not published: learners do not see this lesson.');
  await page.getByLabel('Text (English, Markdown)').fill(`# Authored ${suffix}\n\nA **Pod** runs \`web\`.\n\n| kind | what |\n| --- | --- |\n| Pod | containers |\n`);
  await expect(page.getByTestId('preview-en').locator('strong')).toHaveText('Pod');
  await expect(page.getByTestId('preview-en').locator('table')).toBeVisible();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved (revision 2).' })).toBeVisible();
  await page.getByRole('button', { name: 'Publish lesson' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published: learners see this lesson.' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'lesson editor');

  // Lesson history. A second tab opens the lesson at revision 2, as another instructor would.
  const lessonUrl = page.url();
  const lessonId = lessonUrl.split('/').pop()!;
  const other = await page.context().newPage();
  await other.goto(lessonUrl);
  const english = page.getByLabel('Text (English, Markdown)');
  const firstText = await english.inputValue();
  await english.fill(`${firstText}\nSecond thoughts ${suffix}.\n`);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved (revision 3).' })).toBeVisible();
  const history = page.getByTestId('lesson-history');
  await expect(history.locator('li[data-version]')).toHaveCount(3);
  await expect(history.locator('li[data-version="3"]')).toContainText(`saved by ${instructor.email}`);
  // The other tab's save from revision 2 is refused with a diff of what was saved; its text stays.
  await other.getByLabel('Text (English, Markdown)').fill(`# Authored ${suffix}\n\nOther words ${suffix}.\n`);
  await other.getByRole('button', { name: 'Save draft' }).click();
  await expect(other.getByRole('alert').filter({ hasText: 'Someone else saved first.' })).toBeVisible();
  const conflict = other.getByTestId('conflict');
  await expect(conflict.locator('tr[data-kind="changed"], tr[data-kind="removed"]').filter({ hasText: `Second thoughts ${suffix}.` })).toBeVisible();
  await expect(conflict.locator('tr').filter({ hasText: `Other words ${suffix}.` }).first()).toBeVisible();
  await expect(other.getByLabel('Text (English, Markdown)')).toHaveValue(`# Authored ${suffix}\n\nOther words ${suffix}.\n`);
  await other.close();
  // Version 2 against the text being edited: the added line shows on the right.
  await history.locator('li[data-version="2"]').getByRole('button', { name: 'Compare with the text being edited' }).click();
  await expect(history.getByTestId('diff').locator('tr[data-kind="added"]').filter({ hasText: `Second thoughts ${suffix}.` })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'lesson history');
  // Restoring version 2 saves it as version 4; versions 1 to 3 stay.
  await history.locator('li[data-version="2"]').getByRole('button', { name: 'Restore this version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 2 restored as a new version (revision 4).' })).toBeVisible();
  await expect(english).not.toHaveValue(/Second thoughts/);
  await expect(history.locator('li[data-version]')).toHaveCount(4);
  await expect(history.locator('li[data-version="4"]')).toContainText('restores version 2');
  await expect(history.locator('li[data-version="3"]')).toBeVisible();

  // A new exercise: an invalid line is flagged at its line, then fixed.
  await page.getByRole('link', { name: 'New exercise' }).click();
  await expect(page.getByTestId('yaml-editor')).toBeVisible();
  const template = await editorText(page);
  const valid = template.replace('id: my-first-pod', `id: ${EXERCISE}`).replace('en: Create a Pod }', `en: ${TITLE} }`);
  expect(valid).toContain(`id: ${EXERCISE}`);
  const lines = valid.split('\n');
  const kindLine = lines.findIndex((l) => l.includes('kind: podPhase')) + 1;
  await setEditorText(page, valid.replace('kind: podPhase', 'kind: podFlies'));
  await expect(page.getByTestId('problems')).toContainText(`new-exercise.yaml:${kindLine}:`);
  await expect(page.getByTestId('problems')).toContainText('checks[1].kind');
  await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'exercise editor (new)');
  await setEditorText(page, valid);
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await page.getByRole('button', { name: 'Create exercise' }).click();
  await expect(page).toHaveURL(/\/instructor\/exercises\//);
  const exerciseUrl = page.url();
  await expect(page.getByTestId('exercise-state')).toContainText('State: draft');

  // The draft is not reachable by learners, and no authoring page or API is.
  await learner.goto(`/exercises/${EXERCISE}`);
  await expect(learner.getByRole('heading', { name: TITLE })).toHaveCount(0);
  for (const path of ['/instructor', new URL(exerciseUrl).pathname, `/instructor/lessons/${exerciseUrl.split('/').pop()}/exercises/new`]) {
    await learner.goto(path);
    await expect(learner.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  }
  const exerciseId = exerciseUrl.split('/').pop()!;
  for (const [method, path] of [
    ['POST', `/api/instructor/exercises/${exerciseId}/try`],
    ['POST', `/api/instructor/exercises/${exerciseId}/prove`],
    ['PUT', `/api/instructor/exercises/${exerciseId}`],
    ['POST', `/api/instructor/exercises/${exerciseId}/state`],
    ['POST', '/api/instructor/validate'],
    ['POST', `/api/instructor/lessons/${lessonId}/restore`],
    ['GET', `/api/instructor/lessons/${lessonId}/versions/any`],
  ] as const) {
    const status = await learner.evaluate(
      async ([m, p, yaml]) =>
        (await fetch(p, m === 'GET' ? {} : { method: m, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml, baseRevision: 1, action: 'publish' }) })).status,
      [method, path, valid] as const,
    );
    expect(status, `${method} ${path}`).toBe(403);
  }

  // Publishing before a proof is refused, with the reason.
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByTestId('editor-error')).toContainText('Publishing needs a passed “Prove it”');

  // Try it: a sandbox from the draft, a terminal, the live checks and Check.
  await page.getByRole('button', { name: 'Try it in a sandbox' }).click();
  await waitForShell(page, 'authored');
  await typeInTerminal(page, 'kubectl run web --image=busybox -- sleep 3600\n');
  await expect(page.locator('[data-check="web-running"][data-passed="true"]')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('check-button').click();
  await expect(page.getByTestId('check-summary')).toHaveText(/Every check passed/);

  // Prove it: each check fails before the solution and passes after.
  await page.getByRole('button', { name: 'Prove it' }).click();
  await expect(page.getByTestId('proof-outcome')).toHaveAttribute('data-passed', 'true', { timeout: 240_000 });
  for (const check of ['web-exists', 'web-running', 'web-one-container']) {
    await expect(page.locator(`[data-testid="proof-before"] [data-check="${check}"]`)).toHaveAttribute('data-passed', 'false');
    await expect(page.locator(`[data-testid="proof-after"] [data-check="${check}"]`)).toHaveAttribute('data-passed', 'true');
  }
  await expect(page.locator('[data-testid="proof-after"] [data-check="web-running"]')).toContainText('observed:');
  await expectNoSeriousA11yViolations(page, 'exercise editor (proved)');

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(page.getByTestId('editor-status')).toHaveText('Published as version 1.');

  // The learner finds it in the lesson, solves it and passes.
  await learner.goto(`/courses/pods/${LESSON}`);
  await learner.getByRole('link', { name: TITLE }).click();
  await expect(learner).toHaveURL(new RegExp(`/exercises/${EXERCISE}$`));
  await waitForShell(learner, 'learner');
  await typeInTerminal(learner, 'kubectl run web --image=busybox -- sleep 3600\n');
  await expect(learner.locator('[data-check="web-running"][data-passed="true"]')).toBeVisible({ timeout: 120_000 });
  await learner.getByTestId('check-button').click();
  await expect(learner.getByTestId('check-summary')).toHaveText(/Every check passed/);

  // The instructor sees that learner's result, with what each check observed.
  await page.goto(exerciseUrl);
  const row = page.locator(`[data-learner="${learnerEmail}"]`);
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'passed');
  await expect(row.locator('[data-check="web-one-container"]')).toHaveAttribute('data-passed', 'true');
  await page.goto('/instructor');
  await expect(page.locator(`[data-exercise="${EXERCISE}"] [data-state]`)).toHaveAttribute('data-state', 'published');
  await learnerContext.close();

  // The admin finds the instructor's actions in the audit log, named, with who and from where,
  // and in its CSV.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin.email, admin.password);
  await expect(adminPage).not.toHaveURL(/sign-in/);
  await adminPage.goto('/admin/audit');
  const log = adminPage.getByTestId('audit-log');
  for (const [action, name, target] of [
    ['lesson.create', 'Lesson created', `pods/${LESSON}`],
    ['lesson.save', 'Lesson saved', `pods/${LESSON}`],
    ['lesson.restore', 'Lesson version restored', `pods/${LESSON}`],
    ['lesson.publish', 'Lesson published', `pods/${LESSON}`],
    ['exercise.create', 'Exercise created', EXERCISE],
    ['exercise.try', '“Try it” sandbox started', EXERCISE],
    ['exercise.prove', '“Prove it” run', EXERCISE],
    ['exercise.publish', 'Exercise published', EXERCISE],
  ] as const) {
    const row = log.locator('tr', { has: adminPage.locator(`td[data-action="${action}"]`) }).filter({ hasText: target }).first();
    await expect(row.locator(`td[data-action="${action}"]`)).toContainText(name);
    await expect(row).toContainText(instructor.email);
    await expect(row).toContainText(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
  }
  await expect(log.locator('tr', { has: adminPage.locator('td[data-action="exercise.prove"]') }).first()).toContainText('"passed":true');
  await expectNoSeriousA11yViolations(adminPage, 'audit page with instructor actions');
  const csv = await (await adminPage.request.get('/admin/audit/export')).text();
  expect(csv).toContain(`lesson.restore,Lesson version restored,pods/${LESSON}`);
  expect(csv).toContain(`exercise.prove,“Prove it” run,${EXERCISE}`);
  // In the admin's language: the same rows named in Chinese.
  const zhCsv = await (await adminPage.request.get('/admin/audit/export', { headers: { 'accept-language': 'zh-CN' } })).text();
  expect(zhCsv).toContain(`lesson.restore,恢复课时版本,pods/${LESSON}`);
  expect(zhCsv).toContain(`exercise.try,启动“试用”沙箱,${EXERCISE}`);
  await adminContext.close();
});
