// Runs an exercise's checks against a sandbox and explains each outcome: passed, points, a
// message in every locale (the check's title when it passes, its failure message with
// {observed} and the params filled in when it fails) and what was observed.

import { fillPlaceholders, locales, messagePlaceholderValues, type CheckKind, type CheckSpec, type Exercise, type LocalizedText } from '@kubelab/exercise-format';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { RunnerMetrics } from '../metrics.js';
import type { CheckContext, KindEvaluator, Observation } from './check-context.js';
import { apiMessage, apiStatus } from './kube-clients.js';
import { evaluators } from './kinds/index.js';
import { say } from './observed.js';

export interface CheckResult {
  id: string;
  kind: CheckKind;
  title: LocalizedText;
  passed: boolean;
  points: number;
  maxPoints: number;
  message: LocalizedText;
  /** What the engine saw, in English (admins' views, logs and proofs read this). */
  observed: string;
  /** The same in every locale: what the learner's message was filled with. */
  observedText: LocalizedText;
  /** true when the engine could not evaluate the check (API error), as opposed to a plain fail. */
  error: boolean;
  durationMs: number;
}

export interface CheckRun {
  exercise: string;
  passed: boolean;
  points: number;
  maxPoints: number;
  results: CheckResult[];
  ranAt: string;
}

export type CheckTrigger = 'request' | 'live' | 'verify';

export class CheckEngine {
  constructor(private readonly options: { metrics: RunnerMetrics; logger: Logger }) {}

  /** Evaluates every check of `exercise`, concurrently; never rejects for a failing check. */
  async run(exercise: Exercise, ctx: CheckContext, trigger: CheckTrigger): Promise<CheckRun> {
    const started = performance.now();
    const results = await Promise.all(exercise.checks.map((check) => this.runOne(check, ctx)));
    this.options.metrics.checkRunSeconds.observe({ trigger }, (performance.now() - started) / 1000);
    const points = results.reduce((sum, r) => sum + r.points, 0);
    const maxPoints = results.reduce((sum, r) => sum + r.maxPoints, 0);
    return { exercise: exercise.id, passed: results.every((r) => r.passed), points, maxPoints, results, ranAt: new Date().toISOString() };
  }

  async runOne(check: CheckSpec, ctx: CheckContext): Promise<CheckResult> {
    const started = performance.now();
    let observation: Observation;
    let failedToEvaluate = false;
    try {
      const evaluate = evaluators[check.kind] as KindEvaluator<CheckKind>;
      observation = await evaluate(check.params as never, ctx);
    } catch (error) {
      failedToEvaluate = true;
      this.options.metrics.engineErrors.inc({ operation: 'check' });
      const detail = apiStatus(error) !== undefined ? `${apiStatus(error)} ${apiMessage(error)}` : errorMessage(error);
      this.options.logger.warn('check_failed_to_evaluate', { check: check.id, kind: check.kind, error: detail });
      observation = { passed: false, observed: say(`the check could not run: ${detail}`, `无法执行这项检查：${detail}`) };
    }
    const durationMs = performance.now() - started;
    this.options.metrics.checkSeconds.observe({ kind: check.kind }, durationMs / 1000);
    const message = Object.fromEntries(
      locales.map((locale) => [
        locale,
        observation.passed ? check.title[locale] : fillPlaceholders(check.failureMessage[locale], messagePlaceholderValues(check, observation.observed[locale])),
      ]),
    ) as LocalizedText;
    return {
      id: check.id,
      kind: check.kind,
      title: check.title,
      passed: observation.passed,
      points: observation.passed ? check.points : 0,
      maxPoints: check.points,
      message,
      observed: observation.observed.en,
      observedText: observation.observed,
      error: failedToEvaluate,
      durationMs: Math.round(durationMs),
    };
  }
}
