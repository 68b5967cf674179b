// The admins' dashboards through the real platform: a learner joins a group by its enrol link
// and works on an exercise in a real sandbox; an admin finds them in the progress matrix through
// that group, opens their history and sees the failing check with what it observed, ends their
// sandbox from the fleet view (the learner's page says an admin ended it), and downloads the
// CSV exports. A learner and an instructor are refused every admin page and data route. axe
// finds no serious or critical violation on the admin pages.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { admin, instructor, signIn, signUp, uniqueEmail } from './accounts';
import { expectNoSeriousA11yViolations, terminalText, typeInTerminal, waitForShell } from './learner-helpers';

const EXERCISE = '/exercises/counter-hostpath';
const ADMIN_PAGES = ['/admin', '/admin/progress', '/admin/groups', '/admin/fleet', '/admin/audit'];
const DATA_ROUTES = ['/admin/progress/export', '/admin/audit/export'];

async function signedIn(browser: Browser, account: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, account.email, account.password);
  // Checking a password is deliberately slow (scrypt), and slower on a loaded machine.
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: 60_000 });
  return page;
}

async function expectRefused(page: Page, learnerId: string): Promise<void> {
  for (const path of [...ADMIN_PAGES, `/admin/learners/${learnerId}`]) {
    expect((await page.goto(path))?.status(), path).toBe(403);
  }
  for (const path of DATA_ROUTES) {
    const reply = await page.request.get(path);
    expect(reply.status(), path).toBe(403);
    expect(await reply.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  }
}

test('an admin follows a learner through their group, ends their sandbox, and exports; others are refused', async ({ browser, page }) => {
  test.setTimeout(480_000);
  const stamp = Date.now().toString(36);
  const group = `E2E class ${stamp}`;
  const learner = { name: `Admin Spec Learner ${stamp}`, email: uniqueEmail('admin-spec'), password: 'admin spec password 1' };

  // The admin creates a group and hands out its enrol link.
  const adminPage = await signedIn(browser, admin);
  await adminPage.goto('/admin/groups');
  await adminPage.getByLabel('Group name').fill(group);
  await adminPage.getByRole('button', { name: 'Create group' }).click();
  await expect(adminPage.getByTestId('admin-notice')).toHaveText('Group created.');
  const link = (await adminPage.getByTestId('enrol-link').innerText()).trim();
  expect(link).toMatch(/\/enrol\/[A-Za-z0-9_-]{43}$/);
  await expectNoSeriousA11yViolations(adminPage, 'group page');

  // The learner signs up, joins through the link, and works on an exercise: one container of
  // the two the exercise wants, then Check.
  await signUp(page, learner.name, learner.email, learner.password);
  await expect(page).toHaveURL(/\/$/, { timeout: 60_000 });
  await page.goto(new URL(link).pathname);
  await page.getByRole('button', { name: 'Join the group' }).click();
  await expect(page.getByTestId('enrol-joined')).toContainText(group);
  await page.goto(EXERCISE);
  await waitForShell(page, 'admin-spec');
  await typeInTerminal(page, 'kubectl run counter --image=busybox -- sleep 3600\n');
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain('pod/counter created');
  await page.getByTestId('check-button').click();
  await expect(page.getByTestId('check-summary')).not.toHaveText('', { timeout: 120_000 });
  const learnerSees = await page.locator('[data-check="two-containers"]').innerText();
  await expect(page.locator('[data-check="two-containers"]')).not.toHaveAttribute('data-passed', 'true');

  // The admin finds the learner in the matrix through the group.
  await adminPage.goto('/admin/progress');
  await adminPage.getByLabel('Group', { exact: true }).selectOption({ label: group });
  await adminPage.getByRole('button', { name: 'Apply' }).click();
  await expect(adminPage).toHaveURL(/group=/);
  const row = adminPage.getByTestId(`matrix-row-${learner.email}`);
  await expect(row).toBeVisible();
  await expect(adminPage.getByTestId('progress-matrix').locator('tbody tr')).toHaveCount(1);
  await expect(row).toContainText('In progress');
  await expect(row).toContainText('1 attempt');
  await expect(adminPage.getByTestId('failing-two-containers')).toBeVisible();
  // The course-wide figures say when they were computed (admins share them for up to a minute).
  await expect(adminPage.getByTestId('figures-as-of')).toContainText(/as of \d{1,2}:\d{2}:\d{2}/);
  await expectNoSeriousA11yViolations(adminPage, 'progress page');

  // The CSV of this view, downloaded as a browser would.
  const [download] = await Promise.all([adminPage.waitForEvent('download'), adminPage.getByRole('link', { name: 'Download this progress as CSV' }).click()]);
  const csv = (await (await download.createReadStream()).toArray()).map((b: Buffer) => b.toString('utf8')).join('');
  const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toBe('learner,email,exercise,state,points,attempts,seconds_spent,started_at,passed_at');
  const counterLine = lines.find((l) => l.includes(learner.email) && l.includes('counter-hostpath'));
  expect(counterLine).toMatch(/,in_progress,0,1,\d+,/);
  expect(lines.slice(1).every((l) => l.includes(learner.email))).toBe(true);

  // Their history shows the failing check with what it observed, as the learner saw it.
  await row.getByRole('link', { name: learner.name }).click();
  await expect(adminPage.getByRole('heading', { level: 1 })).toHaveText(`History of ${learner.name}`);
  const learnerId = new URL(adminPage.url()).pathname.split('/').at(-1) ?? '';
  expect(learnerId).toMatch(/^[a-z0-9]+$/);
  await expect(adminPage.getByText(group)).toBeVisible();
  const result = adminPage.getByTestId('learner-attempts').getByTestId('result-two-containers').first();
  await expect(result).toContainText('✗ Not yet');
  const observed = (await result.locator('code.observed').innerText()).trim();
  expect(observed.length).toBeGreaterThan(0);
  expect(learnerSees).toContain(observed);
  await expectNoSeriousA11yViolations(adminPage, 'learner history');

  // The fleet shows the sandbox with its use; the admin ends it and the learner's page says so.
  await adminPage.goto('/admin/fleet');
  const sandbox = adminPage.getByTestId(`sandbox-${learner.email}`);
  await expect(sandbox).toContainText('counter-hostpath');
  await expect(sandbox).toContainText(/\d(\.\d)? (KiB|MiB|GiB)/);
  await expect(adminPage.getByTestId('runners')).toContainText('Up');
  await expectNoSeriousA11yViolations(adminPage, 'fleet page');
  await sandbox.getByRole('button', { name: `End sandbox: ${learner.name}` }).click();
  await expect(adminPage.getByTestId('admin-notice')).toHaveText('The sandbox was ended. Its learner’s progress stays.');
  await expect(adminPage.getByTestId(`sandbox-${learner.email}`)).toHaveCount(0);
  // Next's route announcer is an alert too: pick the workspace's own.
  await expect(page.getByRole('alert').filter({ hasText: /administrator/ })).toHaveText('An administrator ended this sandbox. Your attempts are kept: start a new sandbox to go on.', { timeout: 60_000 });
  // Their progress stays.
  await page.goto('/progress');
  await expect(page.getByText('counter: a shared hostPath volume and a log-tailing sidecar').first()).toBeVisible();

  // The audit log names the admin's actions, from a peer address, and exports as CSV.
  await adminPage.goto('/admin/audit');
  const log = adminPage.getByTestId('audit-log');
  await expect(log.locator('tr', { hasText: 'sandbox.terminate' }).first()).toContainText(admin.email);
  await expect(log.locator('tr', { hasText: 'cohort.create' }).first()).toContainText(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
  await expectNoSeriousA11yViolations(adminPage, 'audit page');
  const auditCsv = await adminPage.request.get('/admin/audit/export');
  expect(auditCsv.status()).toBe(200);
  expect(auditCsv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(await auditCsv.text()).toMatch(/sandbox\.terminate/);

  // The learner and an instructor are refused every admin page and data route; a visitor must sign in.
  await expectRefused(page, learnerId);
  const instructorPage = await signedIn(browser, instructor);
  await expectRefused(instructorPage, learnerId);
  const visitor = await (await browser.newContext()).newPage();
  for (const path of DATA_ROUTES) expect((await visitor.request.get(path)).status(), path).toBe(401);
});

