// The fuzz run: inputs in batches against one target; after each batch a probe (is the
// runner process alive, do its API and the sandbox's API server still answer?). A crash is
// reported with the inputs of its batch and the runner's last output, then the runner is
// restarted on the same state so the run goes on. Each finding names the seed and the input
// index, so `--only <index>` replays exactly that input.

import { execute } from './execute.js';
import { generateInput, type FuzzInput } from './inputs.js';
import { Random } from './random.js';
import { FuzzTarget } from './target.js';

export interface FuzzOptions {
  inputs: number;
  seed: number;
  /** Run only these input indexes (reproduction). */
  only?: number[];
  batchSize?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface Finding {
  type: 'crash' | 'unexpected';
  seed: number;
  indexes: number[];
  label: string;
  problem: string;
}

export interface FuzzResult {
  inputs: number;
  crashes: number;
  unexpected: number;
  findings: Finding[];
  /** Inputs run per kind, to show what the run covered. */
  kinds: Record<string, number>;
  ms: number;
}

const INPUT_TIMEOUT_MS = 60_000;
const SLOW_INPUT_MS = 10_000;

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${(error.cause as NodeJS.ErrnoException).code ?? ''} ${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

export function inputAt(seed: number, index: number): FuzzInput {
  return generateInput(new Random(seed, index));
}

/** The one-line summary the CLI ends with. */
export function summary(result: FuzzResult): string {
  return `${result.inputs} inputs, ${result.crashes} crashes, ${result.unexpected} unexpected errors`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the runner and the sandbox's API server still answer; the reason when they do not. */
async function probe(target: FuzzTarget): Promise<string | undefined> {
  if (!target.runner.alive) return `the runner process exited (${JSON.stringify(await target.runner.exited)})`;
  try {
    const health = await withTimeout(target.runner.api('GET', '/healthz'), 30_000, 'runner /healthz');
    if (health.status !== 200) return `runner /healthz answered ${health.status}`;
    const pod = await target.asClient('GET', '/api/v1/namespaces/fuzz-keep/pods/fuzz-target', {}, undefined, 30_000);
    if (pod.status !== 200) return `GET of the target Pod answered ${pod.status}: ${pod.body.toString().slice(0, 200)}`;
  } catch (error) {
    if (!target.runner.alive) return `the runner process exited (${JSON.stringify(await target.runner.exited)})`;
    return `stopped answering: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const indexes = options.only ?? Array.from({ length: options.inputs }, (_, i) => i);
  const batchSize = options.batchSize ?? 32;
  const concurrency = options.concurrency ?? 8;
  const findings: Finding[] = [];
  const kinds: Record<string, number> = {};
  let crashes = 0;
  let unexpected = 0;
  let generatorFailure: Error | undefined;
  const target = await FuzzTarget.start();
  try {
    for (let b = 0; b < indexes.length; b += batchSize) {
      const batch = indexes.slice(b, b + batchSize);
      const queue = [...batch];
      const worker = async () => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          let input: FuzzInput;
          try {
            input = inputAt(options.seed, index);
          } catch (error) {
            // A bug of the fuzzer itself: stop the batch, and the run, without tearing the target down under the other workers.
            generatorFailure ??= new Error(`generating input ${index} of seed ${options.seed} failed`, { cause: error });
            queue.length = 0;
            return;
          }
          kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
          let problems: string[];
          const began = Date.now();
          try {
            problems = await withTimeout(execute(target, input), INPUT_TIMEOUT_MS, input.label);
            // Not a finding by itself (the machine may be busy), but where to look when others time out.
            if (Date.now() - began > SLOW_INPUT_MS) log(`slow: seed=${options.seed} index=${index} [${input.label}] took ${Date.now() - began} ms`);
          } catch (error) {
            // The fuzzer's own requests (a shell ticket, a connection) failing: the runner's fault unless it is down.
            problems = target.runner.alive ? [`the input could not be run: ${describe(error)}`] : [];
          }
          if (problems.length === 0) continue;
          unexpected++;
          const finding: Finding = { type: 'unexpected', seed: options.seed, indexes: [index], label: input.label, problem: problems.join('; ') };
          findings.push(finding);
          log(`UNEXPECTED seed=${options.seed} index=${index} [${input.label}]: ${finding.problem.slice(0, 1000)}  (replay: --seed ${options.seed} --only ${index})`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (generatorFailure) throw generatorFailure;
      const down = await probe(target);
      if (down) {
        crashes++;
        const finding: Finding = { type: 'crash', seed: options.seed, indexes: batch, label: `batch ${batch[0]}..${batch[batch.length - 1]}`, problem: down };
        findings.push(finding);
        log(`CRASH seed=${options.seed} inputs ${batch.join(',')}: ${down}\n--- runner output ---\n${target.runner.output.slice(-4000)}\n---  (replay each: --seed ${options.seed} --only <index>)`);
        await target.restart();
      } else {
        await target.sweep();
        await target.prepareCluster();
      }
      const done = Math.min(b + batchSize, indexes.length);
      if (done % (batchSize * 10) === 0 || done === indexes.length) log(`progress: ${done}/${indexes.length} inputs, ${crashes} crashes, ${unexpected} unexpected, ${Math.round((Date.now() - started) / 1000)} s`);
    }
  } finally {
    await target.stop();
  }
  return { inputs: indexes.length, crashes, unexpected, findings, kinds, ms: Date.now() - started };
}
