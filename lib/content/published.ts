// Published content as the learner pages read it, kept in this process between requests: the
// course outlines, lesson texts, exercises with their parsed spec, and lesson figures. Content
// changes only when exercises/ is synced or an instructor saves in the browser, and every such
// write moves the content stamp: the newest `updatedAt` (Prisma sets it on every update) and
// the row count of courses, lessons and exercises. Each use reads the stamp, one small raw
// query, and starts a fresh snapshot when it moved. So no writer has to remember this cache
// (sync, authoring, zip import, a second web process on PostgreSQL), and a load that raced a
// write is dropped on the next request because it was filed under the older stamp.
import { cache } from 'react';
import type { Db } from '../db';
import { visibleExercise, visibleLesson } from './visibility';

/** The published content as of one stamp: what was loaded under it, shared by concurrent requests. */
export class ContentSnapshot {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(
    readonly db: Db,
    readonly stamp: string,
  ) {}

  /** `load()` for `key`, computed once under this stamp. A failed load is forgotten, so the next request tries again. */
  remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) return cached as Promise<T>;
    const loading = load();
    this.entries.set(key, loading);
    loading.catch(() => this.entries.delete(key));
    return loading;
  }
}

// On globalThis under a registry symbol: Next bundles this module into several server chunks
// (pages, route handlers), each with its own module state. Keyed by client, so two databases
// in one process (tests) never share content.
const SNAPSHOTS = Symbol.for('kubelab.content.published');
const holder = globalThis as unknown as { [SNAPSHOTS]?: WeakMap<Db, ContentSnapshot> };
const snapshots = (holder[SNAPSHOTS] ??= new WeakMap<Db, ContentSnapshot>());

/** Where the published content stands now; any write to a course, lesson or exercise changes it. */
export async function contentStamp(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT (SELECT MAX("updatedAt") FROM "Course") AS c, (SELECT COUNT(*) FROM "Course") AS cn,
           (SELECT MAX("updatedAt") FROM "Lesson") AS l, (SELECT COUNT(*) FROM "Lesson") AS ln,
           (SELECT MAX("updatedAt") FROM "Exercise") AS e, (SELECT COUNT(*) FROM "Exercise") AS en`;
  return Object.values(row ?? {})
    .map((v) => (v instanceof Date ? v.toISOString() : String(v)))
    .join('|');
}

/**
 * The snapshot for the content as it stands now: the kept one if the stamp did not move, else a
 * fresh one. Read once per server request (React's cache), so a page sees one snapshot throughout.
 */
export const publishedContent = cache(async (db: Db): Promise<ContentSnapshot> => {
  const stamp = await contentStamp(db);
  let snapshot = snapshots.get(db);
  if (snapshot?.stamp !== stamp) {
    snapshot = new ContentSnapshot(db, stamp);
    snapshots.set(db, snapshot);
  }
  return snapshot;
});

export interface OutlineExercise {
  id: string;
  ref: string;
  title: unknown;
  position: number;
  maxPoints: number;
}

export interface OutlineLesson {
  id: string;
  slug: string;
  title: unknown;
  position: number;
  exercises: OutlineExercise[];
}

export interface OutlineCourse {
  id: string;
  slug: string;
  title: unknown;
  summary: unknown;
  lessons: OutlineLesson[];
}

/** The sum of the checks' points of an exercise spec (a check without points counts 1). */
export function maxPointsOf(spec: unknown): number {
  const checks = (spec as { checks?: { points?: number }[] } | null)?.checks ?? [];
  return checks.reduce((sum, c) => sum + (typeof c.points === 'number' ? c.points : 1), 0);
}

/** Every published course in order with its visible lessons and exercises: what the catalogue, course and lesson pages lay out. */
export function courseOutlines(content: ContentSnapshot): Promise<OutlineCourse[]> {
  const { db } = content;
  return content.remember('outlines', async () => {
    const courses = await db.course.findMany({
      where: { archived: false },
      orderBy: [{ position: 'asc' }, { slug: 'asc' }],
      select: {
        id: true,
        slug: true,
        title: true,
        summary: true,
        lessons: {
          where: visibleLesson,
          orderBy: { position: 'asc' },
          select: {
            id: true,
            slug: true,
            title: true,
            position: true,
            exercises: {
              where: visibleExercise,
              orderBy: { position: 'asc' },
              select: { id: true, ref: true, title: true, position: true, currentVersion: { select: { spec: true } } },
            },
          },
        },
      },
    });
    return courses.map((course) => ({
      ...course,
      lessons: course.lessons.map((lesson) => ({
        ...lesson,
        exercises: lesson.exercises.map(({ currentVersion, ...exercise }) => ({ ...exercise, maxPoints: maxPointsOf(currentVersion?.spec) })),
      })),
    }));
  });
}
