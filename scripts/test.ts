// Second half of `npm test` (after scripts/bootstrap.sh). Runs every suite through the real
// parts, keeps going after a failing suite so one run shows everything, and ends with one
// line `N passed, M failed` over all of them. Suites that share nothing run side by side, two
// at a time (typecheck beside vitest, exercises:verify beside Playwright: own state
// directories, sandbox prefixes and ports); each one's output is kept and printed in one
// block when it ends, so the log reads suite by suite.
// The kubelet, provider, runner and privilege suites run a second time on the other container
// engine (the Docker Engine, or Podman when KUBELAB_ENGINE=docker), one file at a time, in the
// lane that typecheck leaves free while the main vitest run goes on (docs/engines.md), and
// after them, in the same lane, the docker-compose stack test (docker/compose.test.ts).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { withE2ePlatform } from './lib/e2e.js';
import { log } from './lib/platform.js';
import { buildImages, generatePrismaClient } from './lib/steps.js';
import { repoRoot } from './lib/paths.js';
import { playwrightFailures, verifyFailures, vitestFailures } from './lib/test-report.js';
import { DEFAULT_ENGINE_SOCKETS, ENGINE_NAMES, ENGINE_TITLES } from '../lab-runner/src/engines/profile.js';

/**
 * The suites that run on both engines: where the engines differ (engines/profile.ts) these are
 * the ones that would notice. Left out on the second engine for wall time (each measured alone
 * on Docker): the path attacks (~5 min) and the exhaustion attacks (~4.5 min).
 */
const SUITES_ON_BOTH_ENGINES = [
  'lab-runner/src/embedded/kubelet/kubelet.test.ts',
  'lab-runner/src/embedded/kubelet/pod-features.test.ts',
  'lab-runner/src/providers/embedded/embedded-provider.test.ts',
  'lab-runner/src/server/runner-api.test.ts',
  'lab-runner/src/isolation/privilege-attacks.test.ts',
];
/**
 * The kind provider's suites run on the Docker Engine only (its stand-in's nodes and Pods are
 * Docker containers; elsewhere they skip themselves): they join the second lane when that lane
 * is Docker's, and run in the main run when the main engine is Docker.
 */
const KIND_SUITES = [
  'lab-runner/src/providers/kind/kind-provider.test.ts',
  'lab-runner/src/providers/kind/kind-runner.test.ts',
  'lab-runner/src/providers/kind/kind-path-attacks.test.ts',
];
const mainEngine = process.env.KUBELAB_ENGINE === 'docker' ? 'docker' : 'podman';
const otherEngine = ENGINE_NAMES.find((engine) => engine !== mainEngine) ?? 'docker';
const secondLaneSuites = otherEngine === 'docker' ? [...SUITES_ON_BOTH_ENGINES, ...KIND_SUITES] : SUITES_ON_BOTH_ENGINES;
const otherEnv: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${DEFAULT_ENGINE_SOCKETS[otherEngine]}`, KUBELAB_ENGINE: otherEngine };

interface Counts { passed: number; failed: number; failures?: string[] }
interface SuiteResult extends Counts { name: string; seconds: number }
const results: SuiteResult[] = [];
const resultsDir = path.join(repoRoot, 'test-results');

/** Runs a command; resolves with the exit code and its output (stdout and stderr as they came). */
function runCapturing(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8') }));
  });
}

interface SuiteRun extends Counts { output?: string }

/** Runs vitest with a JSON report to `name`.json; the counts and failures from that report. */
async function vitestSuite(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<SuiteRun> {
  const out = path.join(resultsDir, `${name}.json`);
  rmSync(out, { force: true });
  const { code, output } = await runCapturing('vitest', ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], env);
  try {
    const report = readJson(out);
    const failures = vitestFailures(report, repoRoot);
    const failed = Math.max(report.numFailedTests, failures.length) + (code !== 0 && failures.length === 0 ? 1 : 0);
    return { passed: report.numPassedTests, failed, failures, output };
  } catch {
    return { passed: 0, failed: 1, output };
  }
}

/** Runs one suite; its output is printed in one block when it ends, its result kept in `slot`. */
async function suite(slot: number, name: string, body: () => Promise<SuiteRun>): Promise<void> {
  log(`── ${name}: started`);
  const started = Date.now();
  let counts: SuiteRun;
  try {
    counts = await body();
  } catch (error) {
    counts = { passed: 0, failed: 1, output: `[kubelab] ${name} could not run: ${(error as Error).stack ?? error}\n` };
  }
  const seconds = (Date.now() - started) / 1000;
  const { output = '', ...result } = counts;
  process.stdout.write(`\n──── ${name} (${seconds.toFixed(0)} s) ────\n${output}${output.endsWith('\n') || !output ? '' : '\n'}──── end of ${name} ────\n`);
  results[slot] = { name, ...result, seconds };
}

const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

await generatePrismaClient();
await buildImages(process.env);
await buildImages(otherEnv);

const suitesStarted = Date.now();
await Promise.all([
  (async () => {
    await suite(0, 'typecheck', async () => {
      const { code, output } = await runCapturing('npm', ['run', '--silent', 'typecheck'], process.env);
      return { ...(code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }), output };
    });
    // One file at a time: the main run beside it already holds two workers.
    await suite(2, `kubelet, provider${otherEngine === 'docker' ? ', kind' : ''}, runner and privileges on ${ENGINE_TITLES[otherEngine]} (vitest)`, () =>
      vitestSuite(`vitest-${otherEngine}`, ['--maxWorkers=1', ...secondLaneSuites], otherEnv));
    // Still in the lane the main run leaves free: it has its own project, ports, state directory
    // and sandbox prefix (docker/compose.test.ts).
    await suite(5, 'docker-compose stack on the Docker Engine (vitest)', () =>
      vitestSuite('vitest-compose', ['--config', 'docker/vitest.config.mts'], process.env));
  })(),
  suite(1, 'unit and integration (vitest)', () => vitestSuite('vitest', [], process.env)),
]);

await Promise.all([
  suite(3, 'exercises:verify', async () => {
    const { code, output } = await runCapturing('npm', ['run', '--silent', 'exercises:verify'], process.env);
    const summary = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
    const failures = verifyFailures(output);
    if (!summary) return { passed: 0, failed: 1, failures, output };
    const failed = Number(summary[2]) + (code !== 0 && summary[2] === '0' ? 1 : 0);
    return { passed: Number(summary[1]), failed, failures, output };
  }),
  suite(4, 'end to end (Playwright, Chromium)', async () => {
    const out = path.join(resultsDir, 'playwright.json');
    return withE2ePlatform(async (env) => {
      const { code, output } = await runCapturing('playwright', ['test', '--reporter=list,json'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: out });
      const report = readJson(out);
      const stats = report.stats;
      const failed = stats.unexpected + stats.flaky + (code !== 0 && stats.unexpected === 0 ? 1 : 0);
      return { passed: stats.expected, failed, failures: playwrightFailures(report), output };
    });
  }),
]);

const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed }), { passed: 0, failed: 0 });
// The failures come last, just above the totals, so the tail of a CI log names them.
log(`all suites took ${((Date.now() - suitesStarted) / 1000).toFixed(0)} s`);
const failures = results.flatMap((r) => (r.failures ?? []).map((f) => `  ✗ [${r.name}] ${f}`));
if (failures.length) process.stdout.write(`\nFailed:\n${failures.join('\n')}\n`);
process.stdout.write('\n' + results.map((r) => `  ${r.failed ? 'FAIL' : 'ok  '} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(0)} s)`).join('\n') + '\n\n');
process.stdout.write(`${total.passed} passed, ${total.failed} failed\n`);
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
