// The exercise quiz through the real platform: a learner answers the design exercise's quiz
// wrong, reads the per-question outcomes and explanations, answers again right, and finds the
// rule the page states: the exercise passes only once its checks have passed too, which the
// learner then does in the real shell. Answers stay recorded across a reload.
import { expect, test, type Page } from '@playwright/test';
import { signUp, uniqueEmail } from './accounts';
import { expectNoSeriousA11yViolations, terminalText, typeInTerminal, waitForShell } from './learner-helpers';

const EXERCISE = '/exercises/wordpress-mysql-split';
const CHECKS = ['wordpress-pod', 'mysql-pod', 'wordpress-labels', 'mysql-labels', 'same-app', 'wordpress-serves', 'blog-gone'];
const SPLIT = `kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: wordpress
  labels: {app: blog, tier: frontend}
spec:
  containers:
  - name: wordpress
    image: busybox
    command: [sh, -c, 'mkdir -p /www && echo "wordpress front end" > /www/index.html && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Pod
metadata:
  name: mysql
  labels: {app: blog, tier: database}
spec:
  containers:
  - name: mysql
    image: busybox
    command: [sh, -c, 'echo "mysql: ready for connections on 3306"; exec nc -ll -p 3306 -e echo "mysql 8.0 (model)"']
YAML
kubectl delete pod blog --now
`;

const question = (page: Page, id: string) => page.getByTestId(`quiz-question-${id}`);

async function answer(page: Page, choices: { scale: string; questions: string[]; pair: string }) {
  await question(page, 'scale-together').getByRole('radio', { name: choices.scale }).check();
  const many = question(page, 'three-questions');
  for (const box of await many.getByRole('checkbox').all()) await box.uncheck();
  for (const name of choices.questions) await many.getByRole('checkbox', { name }).check();
  await question(page, 'good-pair').getByRole('radio', { name: choices.pair }).check();
  await page.getByRole('button', { name: 'Submit answers' }).click();
  // Graded, and the page refreshed behind the answers: the form is no longer busy.
  await expect(page.getByTestId('quiz').locator('form')).toHaveAttribute('aria-busy', 'false');
}

test('a learner answers the quiz wrong, then right, and the exercise passes once its checks pass too', async ({ page }) => {
  test.setTimeout(360_000);
  await signUp(page, 'Quiz Learner', uniqueEmail('quiz'), 'quiz password 123');
  await expect(page).toHaveURL(/\/$/);
  await page.goto(EXERCISE);
  const quiz = page.getByTestId('quiz');
  await expect(quiz.getByRole('heading', { name: 'Quiz' })).toBeVisible();
  // Accessible groups: each question is a fieldset named by its prompt; radio or checkbox as the spec says.
  await expect(page.getByRole('group', { name: /If blog .* is scaled to 3 replicas/ })).toBeVisible();
  await expect(question(page, 'scale-together').getByRole('radio')).toHaveCount(3);
  await expect(question(page, 'three-questions').getByRole('checkbox')).toHaveCount(4);
  // The answers are not in the page before grading.
  expect(await page.content()).not.toContain('The Pod is the unit of scaling');

  await answer(page, {
    scale: 'Three wordpress sharing one MySQL',
    questions: ['Are they written in the same programming language?'],
    pair: 'A website front end and its database',
  });
  await expect(page.getByTestId('quiz-summary')).toHaveText('Not passed yet: 0% right, 67% needed. Read the explanations and try again.');
  await expect(page.getByTestId('quiz-result-scale-together')).toHaveText('Not quite. The Pod is the unit of scaling; every container in it is copied along.');
  await expect(page.getByTestId('quiz-result-good-pair')).toContainText('Not quite.');
  await expect(page.getByTestId('exercise-progress')).toContainText('In progress');

  await answer(page, {
    scale: 'Three wordpress and three separate MySQL instances that share no data',
    questions: ['Must they run on the same node?', 'Are they one whole or independent components?', 'Would scaling them together hurt the application?'],
    pair: 'An app container and the sidecar that reads its log file',
  });
  await expect(page.getByTestId('quiz-summary')).toHaveText('Quiz passed: 100% right.');
  for (const id of ['scale-together', 'three-questions', 'good-pair']) await expect(page.getByTestId(`quiz-result-${id}`)).toContainText('Correct.');
  await expectNoSeriousA11yViolations(page, 'exercise page with a graded quiz');
  // The quiz alone does not pass the exercise: the checks have not passed yet.
  await expect(page.getByTestId('exercise-progress')).toContainText('In progress');

  // Recorded: a reload shows the last answers and their outcome.
  await page.reload();
  await expect(page.getByTestId('quiz-summary')).toHaveText('Your last answers: Quiz passed: 100% right.');
  await expect(question(page, 'good-pair').getByRole('radio', { name: 'An app container and the sidecar that reads its log file' })).toBeChecked();

  await waitForShell(page, 'quiz-ready');
  await typeInTerminal(page, SPLIT);
  await expect.poll(() => terminalText(page), { timeout: 60_000 }).toContain('deleted');
  for (const id of CHECKS) await expect(page.locator(`[data-check="${id}"]`)).toHaveAttribute('data-passed', 'true', { timeout: 150_000 });
  await page.getByTestId('check-button').click();
  await expect(page.getByTestId('check-summary')).toHaveText('Every check passed. Well done!', { timeout: 120_000 });
  await page.reload();
  await expect(page.getByTestId('exercise-progress')).toContainText('Passed');

  await page.goto('/progress');
  await expect(page.locator('[data-exercise="wordpress-mysql-split"]')).toContainText('Passed');

  // The home page offers to pick up with the next exercise not yet passed.
  await page.goto('/');
  await expect(page.getByTestId('resume').getByRole('link')).toHaveText(/^Next up: “.+”$/);
});
