// Recording what a learner did: every Check press as an Attempt with its CheckResults, hints
// and solutions revealed, quiz answers, and the per-exercise Progress they add up to. Progress
// only moves forward: a passed exercise stays passed, and its points are the best attempt's.
// An exercise with a quiz is passed once both a Check attempt and a quiz answer of this learner
// have passed (in either order, on any version); the quiz carries no points of its own (the
// exercise format gives it none), so points stay the checks'.
import type { Db } from '../db';
import type { QuizGrade } from '../quiz/grade';

export interface CheckOutcome {
  checkId: string;
  passed: boolean;
  points: number;
  /** The message in the learner's locale when it ran. */
  message: string;
  observed: string | null;
}

export interface RecordAttemptInput {
  userId: string;
  exerciseId: string;
  exerciseVersionId: string;
  /** The web app's Sandbox row id. */
  sandboxId: string | null;
  passed: boolean;
  outcomes: CheckOutcome[];
  /** Whether the exercise's current spec has a quiz (then passing also needs a passed quiz). */
  hasQuiz: boolean;
}

export async function recordAttempt(db: Db, input: RecordAttemptInput) {
  const points = input.outcomes.reduce((sum, o) => sum + (o.passed ? o.points : 0), 0);
  const attempt = await db.attempt.create({
    data: {
      userId: input.userId,
      exerciseVersionId: input.exerciseVersionId,
      sandboxId: input.sandboxId,
      passed: input.passed,
      points,
      results: {
        create: input.outcomes.map((o) => ({
          checkId: o.checkId,
          passed: o.passed,
          points: o.passed ? o.points : 0,
          message: o.message,
          observed: o.observed === null ? undefined : o.observed,
        })),
      },
    },
    include: { results: true },
  });
  const quizDone = !input.hasQuiz || (await hasPassedQuiz(db, input.userId, input.exerciseId));
  await advanceProgress(db, input.userId, input.exerciseId, input.passed && quizDone, points, true);
  await recordCheckStats(db, input.userId, input.exerciseId, input.outcomes, attempt.createdAt);
  return attempt;
}

export interface RecordQuizAnswerInput {
  userId: string;
  exerciseId: string;
  exerciseVersionId: string;
  grade: QuizGrade;
}

export async function recordQuizAnswer(db: Db, input: RecordQuizAnswerInput) {
  const answer = await db.quizAnswer.create({
    data: {
      userId: input.userId,
      exerciseVersionId: input.exerciseVersionId,
      passed: input.grade.passed,
      percent: input.grade.percent,
      results: input.grade.results.map((r) => ({ questionId: r.questionId, chosen: r.chosen, correct: r.correct })),
    },
  });
  const checksDone =
    input.grade.passed &&
    (await db.attempt.count({ where: { userId: input.userId, passed: true, exerciseVersion: { exerciseId: input.exerciseId } } })) > 0;
  await advanceProgress(db, input.userId, input.exerciseId, checksDone, 0, false);
  return answer;
}

async function hasPassedQuiz(db: Db, userId: string, exerciseId: string): Promise<boolean> {
  return (await db.quizAnswer.count({ where: { userId, passed: true, exerciseVersion: { exerciseId } } })) > 0;
}

/**
 * Moves one learner's Progress on an exercise forward: passed stays passed, points keep the best.
 * Also keeps what the admin dashboards read: the attempt count, when it started and when it
 * first passed (and the seconds in between, the time to complete).
 */
async function advanceProgress(db: Db, userId: string, exerciseId: string, passedNow: boolean, points: number, countAttempt: boolean): Promise<void> {
  const existing = await db.progress.findUnique({ where: { userId_exerciseId: { userId, exerciseId } } });
  const alreadyPassed = existing?.status === 'passed';
  const status = alreadyPassed || passedNow ? 'passed' : 'in_progress';
  const best = Math.max(existing?.points ?? 0, points);
  const now = new Date();
  const startedAt = existing?.startedAt ?? now;
  const firstPass = !alreadyPassed && passedNow ? { passedAt: now, secondsToPass: Math.max(0, Math.round((now.getTime() - startedAt.getTime()) / 1000)) } : {};
  const attempts = countAttempt ? 1 : 0;
  await db.progress.upsert({
    where: { userId_exerciseId: { userId, exerciseId } },
    create: { userId, exerciseId, status, points: best, attempts, startedAt, ...firstPass },
    update: { status, points: best, attempts: { increment: attempts }, ...(existing?.startedAt ? {} : { startedAt }), ...firstPass },
  });
}

/** How many failing observations each check keeps for the admins' "checks that fail most". */
const CHECK_SAMPLES = 5;
const SAMPLE_CHARS = 2000;

/** Counts each check's run and failure, and keeps its latest failing observations. */
async function recordCheckStats(db: Db, userId: string, exerciseId: string, outcomes: readonly CheckOutcome[], at: Date): Promise<void> {
  for (const outcome of outcomes) {
    const failed = outcome.passed ? 0 : 1;
    const key = { exerciseId_checkId: { exerciseId, checkId: outcome.checkId } };
    const stat = await db.checkStat.upsert({
      where: key,
      create: { exerciseId, checkId: outcome.checkId, runs: 1, failures: failed, samples: [] },
      update: { runs: { increment: 1 }, failures: { increment: failed } },
      select: { samples: true },
    });
    if (outcome.passed) continue;
    const sample = { at: at.toISOString(), userId, message: outcome.message.slice(0, SAMPLE_CHARS), observed: outcome.observed?.slice(0, SAMPLE_CHARS) ?? null };
    const previous = Array.isArray(stat.samples) ? stat.samples : [];
    await db.checkStat.update({ where: key, data: { samples: [sample, ...previous].slice(0, CHECK_SAMPLES) } });
  }
}

/** Opening a sandbox for an exercise starts it (a passed one stays passed). */
export async function markStarted(db: Db, userId: string, exerciseId: string): Promise<void> {
  const existing = await db.progress.findUnique({ where: { userId_exerciseId: { userId, exerciseId } } });
  if (existing && existing.status !== 'not_started') {
    // Touch updatedAt so "resume" finds the exercise worked on most recently.
    await db.progress.update({ where: { id: existing.id }, data: { status: existing.status, ...(existing.startedAt ? {} : { startedAt: new Date() }) } });
    return;
  }
  const startedAt = existing?.startedAt ?? new Date();
  await db.progress.upsert({
    where: { userId_exerciseId: { userId, exerciseId } },
    create: { userId, exerciseId, status: 'in_progress', startedAt },
    update: { status: 'in_progress', startedAt },
  });
}

/** Records a revealed hint or the solution; revealing the same one twice records it once. */
export async function recordReveal(db: Db, userId: string, exerciseId: string, kind: 'hint' | 'solution', index: number): Promise<void> {
  await db.reveal.upsert({
    where: { userId_exerciseId_kind_index: { userId, exerciseId, kind, index } },
    create: { userId, exerciseId, kind, index },
    update: {},
  });
}
