// What the authoring pages read: every course, lesson and exercise (repository and browser,
// archived included) with source, state and how learners fare; and, per exercise, each learner's
// status, latest Check with what every check observed, and the hints and solution they used.
import type { Db } from '../db';
import { pick } from '../content/text';
import type { Locale } from '../i18n/locale';
import { exerciseState, type ExerciseState } from './exercises';
import { yamlHash } from './exercise-yaml';

export interface AuthoringExerciseRow {
  id: string;
  ref: string;
  title: string;
  origin: string;
  state: ExerciseState;
  /** A browser exercise whose draft differs from what learners get. */
  draftAhead: boolean;
  started: number;
  passed: number;
  attempts: number;
}

export interface AuthoringLessonRow {
  id: string;
  slug: string;
  title: string;
  origin: string;
  state: ExerciseState;
  exercises: AuthoringExerciseRow[];
}

export interface AuthoringCourseRow {
  id: string;
  slug: string;
  title: string;
  origin: string;
  archived: boolean;
  lessons: AuthoringLessonRow[];
}

export async function listAuthoring(db: Db, locale: Locale): Promise<AuthoringCourseRow[]> {
  const courses = await db.course.findMany({
    orderBy: [{ position: 'asc' }, { slug: 'asc' }],
    include: {
      lessons: {
        orderBy: [{ position: 'asc' }, { slug: 'asc' }],
        include: {
          exercises: {
            orderBy: [{ position: 'asc' }, { ref: 'asc' }],
            select: {
              id: true,
              ref: true,
              title: true,
              origin: true,
              archived: true,
              currentVersionId: true,
              draftHash: true,
              currentVersion: { select: { yaml: true } },
              _count: { select: { progress: true } },
            },
          },
        },
      },
    },
  });
  const ids = courses.flatMap((c) => c.lessons.flatMap((l) => l.exercises.map((e) => e.id)));
  const [passed, attempts] = await Promise.all([
    db.progress.groupBy({ by: ['exerciseId'], where: { exerciseId: { in: ids }, status: 'passed' }, _count: { _all: true } }),
    db.attempt.findMany({ where: { exerciseVersion: { exerciseId: { in: ids } } }, select: { exerciseVersion: { select: { exerciseId: true } } } }),
  ]);
  const passedBy = new Map(passed.map((p) => [p.exerciseId, p._count._all]));
  const attemptsBy = new Map<string, number>();
  for (const a of attempts) attemptsBy.set(a.exerciseVersion.exerciseId, (attemptsBy.get(a.exerciseVersion.exerciseId) ?? 0) + 1);
  return courses.map((c) => ({
    id: c.id,
    slug: c.slug,
    title: pick(c.title, locale),
    origin: c.origin,
    archived: c.archived,
    lessons: c.lessons.map((l) => ({
      id: l.id,
      slug: l.slug,
      title: pick(l.origin === 'editor' ? (l.draftTitle ?? l.title) : l.title, locale),
      origin: l.origin,
      state: l.archived ? 'archived' : l.published ? 'published' : 'draft',
      exercises: l.exercises.map((e) => ({
        id: e.id,
        ref: e.ref,
        title: pick(e.title, locale),
        origin: e.origin,
        state: exerciseState(e),
        draftAhead: e.origin === 'editor' && e.currentVersionId !== null && e.currentVersion?.yaml != null && yamlHash(e.currentVersion.yaml) !== e.draftHash,
        started: e._count.progress,
        passed: passedBy.get(e.id) ?? 0,
        attempts: attemptsBy.get(e.id) ?? 0,
      })),
    })),
  }));
}

export interface LearnerResult {
  userId: string;
  name: string;
  email: string;
  status: 'not_started' | 'in_progress' | 'passed';
  points: number;
  latest: { at: Date; passed: boolean; version: number; results: { checkId: string; passed: boolean; message: string; observed: string | null }[] } | null;
  hints: number;
  solution: boolean;
}

/** Every learner who started or checked the exercise, newest activity first. */
export async function exerciseLearners(db: Db, exerciseId: string): Promise<LearnerResult[]> {
  const [progress, attempts, reveals] = await Promise.all([
    db.progress.findMany({ where: { exerciseId }, include: { user: { select: { id: true, name: true, email: true } } } }),
    db.attempt.findMany({
      where: { exerciseVersion: { exerciseId } },
      orderBy: { createdAt: 'desc' },
      include: { results: true, exerciseVersion: { select: { version: true } }, user: { select: { id: true, name: true, email: true } } },
      take: 500,
    }),
    db.reveal.findMany({ where: { exerciseId }, select: { userId: true, kind: true } }),
  ]);
  const byUser = new Map<string, LearnerResult>();
  const entry = (user: { id: string; name: string; email: string }) => {
    let row = byUser.get(user.id);
    if (!row) {
      row = { userId: user.id, name: user.name, email: user.email, status: 'not_started', points: 0, latest: null, hints: 0, solution: false };
      byUser.set(user.id, row);
    }
    return row;
  };
  for (const p of progress) Object.assign(entry(p.user), { status: p.status, points: p.points });
  for (const a of attempts) {
    const row = entry(a.user);
    if (row.latest) continue;
    row.latest = {
      at: a.createdAt,
      passed: a.passed,
      version: a.exerciseVersion.version,
      results: a.results.map((r) => ({ checkId: r.checkId, passed: r.passed, message: r.message, observed: typeof r.observed === 'string' ? r.observed : null })),
    };
  }
  for (const r of reveals) {
    const row = byUser.get(r.userId);
    if (!row) continue;
    if (r.kind === 'hint') row.hints += 1;
    else row.solution = true;
  }
  return [...byUser.values()].sort((a, b) => (b.latest?.at.getTime() ?? 0) - (a.latest?.at.getTime() ?? 0));
}
