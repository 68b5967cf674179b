// Feeds the summary real reports: Vitest and Playwright run a throwaway failing test each.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './paths.js';
import { playwrightFailures, verifyFailures, vitestFailures } from './test-report.js';

// Vitest runs its sample outside the repository (inside, the repository's own config would
// take over); the Playwright specs sit inside it, where they resolve @playwright/test.
const vitestDir = mkdtempSync(path.join(tmpdir(), 'kubelab-test-report-'));
mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
const dir = mkdtempSync(path.join(repoRoot, 'test-results', 'report-'));
afterAll(() => {
  rmSync(vitestDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);

describe('the failure summary of npm test', () => {
  it('names a failed Vitest test and why, and leaves out the one that passed', () => {
    writeFileSync(path.join(vitestDir, 'sample.test.js'), [
      "test('adds up', () => expect(1 + 1).toBe(2));",
      "describe('the sum', () => { test('is wrong on purpose', () => expect(1 + 1).toBe(3)); });",
    ].join('\n'));
    const out = path.join(vitestDir, 'vitest.json');
    spawnSync(bin('vitest'), ['run', '--root', vitestDir, '--globals', '--reporter=json', `--outputFile.json=${out}`], { cwd: vitestDir, encoding: 'utf8' });
    const failures = vitestFailures(JSON.parse(readFileSync(out, 'utf8')), vitestDir);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('sample.test.js › the sum is wrong on purpose');
    expect(failures[0]).toMatch(/expected 2 to be 3/);
  }, 60_000);

  it('names a failed Playwright test and why', () => {
    writeFileSync(path.join(dir, 'sample.spec.mjs'), [
      "import { test, expect } from '@playwright/test';",
      "test('passes', () => expect(1).toBe(1));",
      "test('fails on purpose', () => expect('left').toBe('right'));",
    ].join('\n'));
    writeFileSync(path.join(dir, 'playwright.config.mjs'), `export default { testDir: ${JSON.stringify(dir)}, testMatch: 'sample.spec.mjs', outputDir: ${JSON.stringify(path.join(dir, 'out'))} };`);
    const out = path.join(dir, 'playwright.json');
    spawnSync(bin('playwright'), ['test', '--config', path.join(dir, 'playwright.config.mjs'), '--reporter=json'], {
      cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: out },
    });
    const failures = playwrightFailures(JSON.parse(readFileSync(out, 'utf8')));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('sample.spec.mjs:3 › fails on purpose');
    expect(failures[0]).toContain('"right"');
  }, 60_000);

  it('names a Playwright spec that does not load at all', () => {
    writeFileSync(path.join(dir, 'broken.spec.mjs'), "import { nothing } from './missing.mjs';\n");
    writeFileSync(path.join(dir, 'broken.config.mjs'), `export default { testDir: ${JSON.stringify(dir)}, testMatch: 'broken.spec.mjs', outputDir: ${JSON.stringify(path.join(dir, 'out'))} };`);
    const out = path.join(dir, 'broken.json');
    spawnSync(bin('playwright'), ['test', '--config', path.join(dir, 'broken.config.mjs'), '--reporter=json'], {
      cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: out },
    });
    const failures = playwrightFailures(JSON.parse(readFileSync(out, 'utf8')));
    expect(failures.join('\n')).toMatch(/outside any test[\s\S]*missing\.mjs/);
  }, 60_000);

  it('names the exercises that exercises:verify failed', () => {
    expect(verifyFailures('PASS pods/first-pod (2.1 s)\nFAIL pods/port-clash (9.0 s)\n  check x\n')).toEqual(['pods/port-clash (9.0 s)']);
  });
});
