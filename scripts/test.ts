// Second half of `npm test` (after scripts/bootstrap.sh). Runs every suite, in order, through
// the real parts, keeps going after a failing suite so one run shows everything, and ends
// with one line `N passed, M failed` over all of them.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { withE2ePlatform } from './lib/e2e.js';
import { log } from './lib/platform.js';
import { buildImages, generatePrismaClient } from './lib/steps.js';
import { repoRoot } from './lib/paths.js';
import { playwrightFailures, verifyFailures, vitestFailures } from './lib/test-report.js';

interface Counts { passed: number; failed: number; failures?: string[] }
interface SuiteResult extends Counts { name: string; seconds: number }
const results: SuiteResult[] = [];
const resultsDir = path.join(repoRoot, 'test-results');

/** Runs a command, echoing its output; resolves with the exit code and the captured text. */
function runCapturing(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer, sink: NodeJS.WriteStream) => {
      sink.write(chunk);
      output = (output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

async function suite(name: string, body: () => Promise<Counts>): Promise<void> {
  log(`── ${name}`);
  const started = Date.now();
  let counts: Counts;
  try {
    counts = await body();
  } catch (error) {
    process.stderr.write(`[kubelab] ${name} could not run: ${(error as Error).stack ?? error}\n`);
    counts = { passed: 0, failed: 1 };
  }
  results.push({ name, ...counts, seconds: (Date.now() - started) / 1000 });
}

const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

await generatePrismaClient();
await buildImages(process.env);

await suite('typecheck', async () => {
  const { code } = await runCapturing('npm', ['run', '--silent', 'typecheck'], process.env);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
});

await suite('unit and integration (vitest)', async () => {
  const out = path.join(resultsDir, 'vitest.json');
  rmSync(out, { force: true });
  const { code } = await runCapturing('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], process.env);
  try {
    const report = readJson(out);
    const failures = vitestFailures(report, repoRoot);
    const failed = Math.max(report.numFailedTests, failures.length) + (code !== 0 && failures.length === 0 ? 1 : 0);
    return { passed: report.numPassedTests, failed, failures };
  } catch {
    return { passed: 0, failed: 1 };
  }
});

await suite('exercises:verify', async () => {
  const { code, output } = await runCapturing('npm', ['run', '--silent', 'exercises:verify'], process.env);
  const summary = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  const failures = verifyFailures(output);
  if (!summary) return { passed: 0, failed: 1, failures };
  const failed = Number(summary[2]) + (code !== 0 && summary[2] === '0' ? 1 : 0);
  return { passed: Number(summary[1]), failed, failures };
});

await suite('end to end (Playwright, Chromium)', async () => {
  const out = path.join(resultsDir, 'playwright.json');
  return withE2ePlatform(async (env) => {
    const { code } = await runCapturing('playwright', ['test', '--reporter=list,json'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: out });
    const report = readJson(out);
    const stats = report.stats;
    const failed = stats.unexpected + stats.flaky + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
    return { passed: stats.expected, failed, failures: playwrightFailures(report) };
  });
});

const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed }), { passed: 0, failed: 0 });
// The failures come last, just above the totals, so the tail of a CI log names them.
const failures = results.flatMap((r) => (r.failures ?? []).map((f) => `  ✗ [${r.name}] ${f}`));
if (failures.length) process.stdout.write(`\nFailed:\n${failures.join('\n')}\n`);
process.stdout.write('\n' + results.map((r) => `  ${r.failed ? 'FAIL' : 'ok  '} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(0)} s)`).join('\n') + '\n\n');
process.stdout.write(`${total.passed} passed, ${total.failed} failed\n`);
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
