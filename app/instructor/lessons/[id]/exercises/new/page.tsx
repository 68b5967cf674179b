// A new exercise in a browser lesson: the editor, starting from a small complete exercise with
// three checks on a Pod, so an author changes rather than remembers the format.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireInstructor } from '@/lib/authz';
import { exerciseTemplate } from '@/lib/authoring/template';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { ExerciseEditor } from '@/components/author/ExerciseEditor';
import { getAuthorI18n } from '@/messages/author/server';
import { getLearnI18n } from '@/messages/learn/server';

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata(): Promise<Metadata> {
  const { am } = await getAuthorI18n();
  return { title: am.list.newExercise };
}

export default async function NewExercisePage({ params }: Params) {
  const { id } = await params;
  await requireInstructor(`/instructor/lessons/${id}/exercises/new`);
  const { am, locale, t } = await getAuthorI18n();
  const { lm } = await getLearnI18n();
  const lesson = await db().lesson.findUnique({ where: { id }, include: { course: { select: { slug: true } } } });
  if (!lesson || lesson.origin !== 'editor') notFound();
  const name = pick(lesson.draftTitle ?? lesson.title, locale);
  return (
    <section aria-labelledby="new-exercise-title">
      <p>
        <Link href="/instructor">{am.list.title}</Link> / <Link href={`/instructor/lessons/${lesson.id}`}>{name}</Link>
      </p>
      <h1 id="new-exercise-title">{t(am.exercise.newTitle, { name })}</h1>
      <ExerciseEditor
        lessonId={lesson.id}
        fileName={`${lesson.course.slug}/${lesson.slug}/new-exercise.yaml`}
        initialYaml={exerciseTemplate()}
        revision={0}
        editable
        state="draft"
        publishedVersion={null}
        versions={[]}
        locale={locale}
        m={am.exercise}
        stateNames={am.list.states}
        errors={am.errors}
        lm={lm}
      />
    </section>
  );
}
