// Lessons (and courses) written in the browser. A lesson's text is markdown in both locales; an
// editor lesson is edited as a draft (draftTitle/draftBody, revision-checked like exercises) and
// learners see it once published. Lessons from exercises/ are the repository's: read-only here.
// New editor lessons may join a repository course: the sync never touches editor rows.
import { z } from 'zod';
import { kebabIdSchema, localizedTextSchema, type LocalizedText } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { AuthoringError } from './errors';

export const lessonTextSchema = z.strictObject({ title: localizedTextSchema, body: localizedTextSchema });
export type LessonText = z.infer<typeof lessonTextSchema>;

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
export async function createLesson(db: Db, input: { courseId: string; slug: string; title: LocalizedText; body: LocalizedText }) {
  const slug = validSlug(input.slug);
  const text = validText(input);
  const course = await db.course.findUnique({ where: { id: input.courseId }, select: { id: true } });
  if (!course) throw new AuthoringError('NOT_FOUND', 'no such course');
  if (await db.lesson.findUnique({ where: { courseId_slug: { courseId: course.id, slug } }, select: { id: true } })) {
    throw new AuthoringError('ID_TAKEN', `the course already has a lesson "${slug}"`);
  }
  const last = await db.lesson.findFirst({ where: { courseId: course.id }, orderBy: { position: 'desc' }, select: { position: true } });
  return db.lesson.create({
    data: {
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

async function editorLesson(db: Db, lessonId: string) {
  const row = await db.lesson.findUnique({ where: { id: lessonId } });
  if (!row) throw new AuthoringError('NOT_FOUND', 'no such lesson');
  if (row.origin !== 'editor') throw new AuthoringError('FILES_OWNED', `lesson "${row.slug}" comes from exercises/: edit its files in the repository`);
  return row;
}

/** Saves the lesson draft if `baseRevision` is current; else CONFLICT with the stored text. */
export async function saveLessonDraft(db: Db, input: { lessonId: string; title: unknown; body: unknown; baseRevision: number }) {
  const row = await editorLesson(db, input.lessonId);
  const text = validText(input);
  const { count } = await db.lesson.updateMany({
    where: { id: row.id, revision: input.baseRevision },
    data: { draftTitle: text.title, draftBody: text.body, revision: input.baseRevision + 1 },
  });
  if (count === 0) {
    const current = await db.lesson.findUniqueOrThrow({ where: { id: row.id } });
    throw new AuthoringError('CONFLICT', `someone else saved this lesson first (revision ${current.revision}); your text is kept, compare and save again`, {
      current: { text: JSON.stringify({ title: current.draftTitle, body: current.draftBody }, null, 2), revision: current.revision },
    });
  }
  return { revision: input.baseRevision + 1 };
}

/** Learners see the draft from now on. */
export async function publishLesson(db: Db, lessonId: string) {
  const row = await editorLesson(db, lessonId);
  const text = validText({ title: row.draftTitle, body: row.draftBody });
  return db.lesson.update({ where: { id: row.id }, data: { title: text.title, body: text.body, published: true, archived: false } });
}

export async function unpublishLesson(db: Db, lessonId: string) {
  const row = await editorLesson(db, lessonId);
  if (!row.published) throw new AuthoringError('NOT_PUBLISHED', `lesson "${row.slug}" is not published`);
  return db.lesson.update({ where: { id: row.id }, data: { published: false } });
}
