// One lesson in the authoring area: the editor with live previews and the versions (browser
// lessons) or the read-only preview (repository lessons), and the lesson's exercises.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireInstructor } from '@/lib/authz';
import { lessonVersions } from '@/lib/authoring/lessons';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { LessonEditor } from '@/components/author/LessonEditor';
import { getAuthorI18n } from '@/messages/author/server';
import { getLearnI18n } from '@/messages/learn/server';

type Params = { params: Promise<{ id: string }> };

const asText = (value: unknown) => ({ en: pick(value, 'en'), 'zh-CN': pick(value, 'zh-CN') });

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { am, locale, t } = await getAuthorI18n();
  const lesson = await db().lesson.findUnique({ where: { id: (await params).id }, select: { title: true, draftTitle: true } });
  return { title: lesson ? t(am.lesson.title, { name: pick(lesson.draftTitle ?? lesson.title, locale) }) : undefined };
}

export default async function LessonAuthoringPage({ params }: Params) {
  const { id } = await params;
  await requireInstructor(`/instructor/lessons/${id}`);
  const { am, locale, t } = await getAuthorI18n();
  const { lm } = await getLearnI18n();
  const lesson = await db().lesson.findUnique({
    where: { id },
    include: { course: { select: { slug: true, title: true } }, exercises: { orderBy: { position: 'asc' }, select: { id: true, ref: true, title: true } } },
  });
  if (!lesson) notFound();
  const editable = lesson.origin === 'editor';
  const versions = editable ? await lessonVersions(db(), lesson.id) : [];
  return (
    <section aria-labelledby="lesson-title" data-lesson={lesson.slug}>
      <p>
        <Link href="/instructor">{am.list.title}</Link> / {pick(lesson.course.title, locale)}
      </p>
      <h1 id="lesson-title">{t(am.lesson.title, { name: pick(editable ? (lesson.draftTitle ?? lesson.title) : lesson.title, locale) })}</h1>
      <LessonEditor
        lessonId={lesson.id}
        editable={editable}
        published={lesson.published && !lesson.archived}
        revision={lesson.revision}
        title={asText(editable ? (lesson.draftTitle ?? lesson.title) : lesson.title)}
        body={asText(editable ? (lesson.draftBody ?? lesson.body) : lesson.body)}
        versions={versions.map((v) => ({
          id: v.id,
          version: v.version,
          createdAt: v.createdAt.toISOString(),
          current: v.version === lesson.revision,
          savedBy: v.savedByEmail,
          restoredFrom: v.restoredFrom,
        }))}
        locale={locale}
        m={am.lesson}
        mx={am.exercise}
        errors={am.errors}
        copyLabels={{ copy: lm.lesson.copy, copied: lm.lesson.copied, label: lm.lesson.copyLabel }}
      />
      <section aria-labelledby="lesson-exercises">
        <h2 id="lesson-exercises">{am.lesson.exercises}</h2>
        {lesson.exercises.length === 0 ? <p>{am.lesson.noExercises}</p> : null}
        <ul>
          {lesson.exercises.map((e) => (
            <li key={e.id}>
              <Link href={`/instructor/exercises/${e.id}`}>{pick(e.title, locale)}</Link> <code>{e.ref}</code>
            </li>
          ))}
        </ul>
        {editable ? <Link href={`/instructor/lessons/${lesson.id}/exercises/new`}>{am.list.newExercise}</Link> : null}
      </section>
    </section>
  );
}
