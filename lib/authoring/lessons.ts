// Lessons (and courses) written in the browser. A lesson's text is markdown in both locales; an
// editor lesson is edited as a draft (draftTitle/draftBody, revision-checked like exercises) and
// learners see it once published. Every save keeps a version (LessonVersion, numbered by the
// revision it made); restoring one saves its text as a new version, so history is never
// rewritten. Lessons from exercises/ are the repository's: read-only here.
// New editor lessons may join a repository course: the sync never touches editor rows.
import { z } from 'zod';
import { kebabIdSchema, localizedTextSchema, type LocalizedText } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { AuthoringError } from './errors';
import { lessonDiffText } from './lesson-text';

export const lessonTextSchema = z.strictObject({ title: localizedTextSchema, body: localizedTextSchema });
export type LessonText = z.infer<typeof lessonTextSchema>;

/** Who saved: kept on each version. */
export interface LessonAuthor {
  id: string;
  email: string;
}

function validText(input: { title: unknown; body: unknown }): LessonText {
  const parsed = lessonTextSchema.safeParse({ title: input.title, body: input.body });
  if (!parsed.success) {
    throw new AuthoringError('INVALID', 'a lesson needs a title and a text in every language', {
      problems: parsed.error.issues.map((i) => ({ file: 'lesson', path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

function validSlug(slug: string): string {
  const parsed = kebabIdSchema.safeParse(slug);
  if (!parsed.success) {
    throw new AuthoringError('INVALID', `"${slug}" is not a valid id`, { problems: [{ file: 'lesson', path: 'id', message: parsed.error.issues[0]?.message ?? 'invalid' }] });
  }
  return parsed.data;
}

export async function createCourse(db: Db, input: { slug: string; title: LocalizedText; summary: LocalizedText }) {
  const slug = validSlug(input.slug);
  if (await db.course.findUnique({ where: { slug }, select: { id: true } })) throw new AuthoringError('ID_TAKEN', `a course "${slug}" already exists`);
  const last = await db.course.findFirst({ orderBy: { position: 'desc' }, select: { position: true } });
  return db.course.create({ data: { slug, title: input.title, summary: input.summary, position: (last?.position ?? 0) + 1, origin: 'editor' } });
}

/** A new, unpublished editor lesson at the end of a course. */
export async function createLesson(db: Db, input: { courseId: string; slug: string; title: LocalizedText; body: LocalizedText }, author?: LessonAuthor) {
  const slug = validSlug(input.slug);
  const text = validText(input);
  const course = await db.course.findUnique({ where: { id: input.courseId }, select: { id: true, slug: true } });
  if (!course) throw new AuthoringError('NOT_FOUND', 'no such course');
  if (await db.lesson.findUnique({ where: { courseId_slug: { courseId: course.id, slug } }, select: { id: true } })) {
    throw new AuthoringError('ID_TAKEN', `the course already has a lesson "${slug}"`);
  }
  const last = await db.lesson.findFirst({ where: { courseId: course.id }, orderBy: { position: 'desc' }, select: { position: true } });
  return db.lesson.create({
    include: { course: { select: { slug: true } } },
    data: {
      versions: { create: { version: 1, title: text.title, body: text.body, savedById: author?.id ?? null, savedByEmail: author?.email ?? null } },
      courseId: course.id,
      slug,
      title: text.title,
      body: text.body,
      draftTitle: text.title,
      draftBody: text.body,
      revision: 1,
      position: (last?.position ?? 0) + 1,
      origin: 'editor',
      published: false,
    },
  });
}

/** "<course>/<lesson>": how the audit log and messages name a lesson. */
export const lessonRef = (row: { slug: string; course: { slug: string } }) => `${row.course.slug}/${row.slug}`;

async function editorLesson(db: Db, lessonId: string) {
  const row = await db.lesson.findUnique({ where: { id: lessonId }, include: { course: { select: { slug: true } } } });
  if (!row) throw new AuthoringError('NOT_FOUND', 'no such lesson');
  if (row.origin !== 'editor') throw new AuthoringError('FILES_OWNED', `lesson "${row.slug}" comes from exercises/: edit its files in the repository`);
  return row;
}

/** Stored JSON as the locale-keyed text it was saved as. */
const asLessonText = (title: unknown, body: unknown) => ({ title: (title ?? {}) as Record<string, string>, body: (body ?? {}) as Record<string, string> });

/**
 * Saves the lesson draft as a new version if `baseRevision` is current; else CONFLICT with the
 * stored text (laid out by lessonDiffText), and nothing is written.
 */
export async function saveLessonDraft(
  db: Db,
  input: { lessonId: string; title: unknown; body: unknown; baseRevision: number; restoredFrom?: number },
  author?: LessonAuthor,
): Promise<{ revision: number; lesson: string }> {
  const row = await editorLesson(db, input.lessonId);
  const text = validText(input);
  const revision = input.baseRevision + 1;
  const saved = await db.$transaction(async (tx) => {
    const { count } = await tx.lesson.updateMany({
      where: { id: row.id, revision: input.baseRevision },
      data: { draftTitle: text.title, draftBody: text.body, revision },
    });
    if (count === 0) return false;
    await tx.lessonVersion.create({
      data: { lessonId: row.id, version: revision, title: text.title, body: text.body, savedById: author?.id ?? null, savedByEmail: author?.email ?? null, restoredFrom: input.restoredFrom ?? null },
    });
    return true;
  });
  if (!saved) {
    const current = await db.lesson.findUniqueOrThrow({ where: { id: row.id } });
    throw new AuthoringError('CONFLICT', `someone else saved this lesson first (revision ${current.revision}); your text is kept, compare and save again`, {
      current: { text: lessonDiffText(asLessonText(current.draftTitle, current.draftBody)), revision: current.revision },
    });
  }
  return { revision, lesson: lessonRef(row) };
}

/**
 * The lesson's saved versions, newest first, without their text: a lesson gains one per save,
 * so the history page lists them and fetches a version's text when it is compared.
 */
export function lessonVersions(db: Db, lessonId: string) {
  return db.lessonVersion.findMany({
    where: { lessonId },
    orderBy: { version: 'desc' },
    select: { id: true, version: true, createdAt: true, savedById: true, savedByEmail: true, restoredFrom: true },
  });
}

/** One version of the lesson with its text. */
export async function lessonVersion(db: Db, lessonId: string, versionId: string) {
  const version = await db.lessonVersion.findFirst({ where: { id: versionId, lessonId } });
  if (!version) throw new AuthoringError('NOT_FOUND', 'no such version of this lesson');
  return { ...version, ...asLessonText(version.title, version.body) };
}

/** Saves an old version's text as a new version (concurrency-checked like any save). */
export async function restoreLessonVersion(db: Db, input: { lessonId: string; versionId: string; baseRevision: number }, author?: LessonAuthor) {
  const version = await lessonVersion(db, input.lessonId, input.versionId);
  const saved = await saveLessonDraft(db, { lessonId: input.lessonId, title: version.title, body: version.body, baseRevision: input.baseRevision, restoredFrom: version.version }, author);
  return { ...saved, restored: version.version, title: version.title, body: version.body };
}

/** Learners see the draft from now on. */
export async function publishLesson(db: Db, lessonId: string) {
  const row = await editorLesson(db, lessonId);
  const text = validText({ title: row.draftTitle, body: row.draftBody });
  return db.lesson.update({ where: { id: row.id }, data: { title: text.title, body: text.body, published: true, archived: false }, include: { course: { select: { slug: true } } } });
}

export async function unpublishLesson(db: Db, lessonId: string) {
  const row = await editorLesson(db, lessonId);
  if (!row.published) throw new AuthoringError('NOT_PUBLISHED', `lesson "${row.slug}" is not published`);
  return db.lesson.update({ where: { id: row.id }, data: { published: false }, include: { course: { select: { slug: true } } } });
}
