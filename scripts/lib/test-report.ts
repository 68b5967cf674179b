// Names the failed tests of each suite from the reports the runners write, so the summary
// at the end of `npm test` (the part of a CI log that gets read) says what failed and why.
import path from 'node:path';

/** One failure as the summary shows it: where, and the first lines of why. */
function failureLine(where: string, message: string | undefined): string {
  const why = (message ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 4).join(' | ');
  return `${where}${why ? `\n      ${why.slice(0, 600)}` : ''}`;
}

/** Failed tests (and files that failed before any test ran) from Vitest's JSON report. */
export function vitestFailures(report: any, root: string): string[] {
  const failures: string[] = [];
  for (const file of report.testResults ?? []) {
    const where = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((t: any) => t.status === 'failed');
    for (const t of failedTests) failures.push(failureLine(`${where} › ${t.fullName}`, t.failureMessages?.join('\n')));
    if (file.status === 'failed' && failedTests.length === 0) failures.push(failureLine(where, file.message));
  }
  return failures;
}

/** Failed and flaky tests, and errors outside any test (a spec that does not load), from Playwright's JSON report. */
export function playwrightFailures(report: any): string[] {
  const failures: string[] = [];
  const walk = (suite: any): void => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const error = (t.results ?? []).map((r: any) => r.error?.message).find(Boolean);
        failures.push(failureLine(`${spec.file}:${spec.line} › ${spec.title}${t.status === 'flaky' ? ' (flaky)' : ''}`, error));
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  for (const error of report.errors ?? []) failures.push(failureLine('(outside any test)', error.message));
  return failures;
}

/** The exercises that failed in `exercises:verify` output (its lines start with PASS or FAIL). */
export function verifyFailures(output: string): string[] {
  return [...output.matchAll(/^FAIL (.+)$/gm)].map((m) => m[1]!.trim());
}
