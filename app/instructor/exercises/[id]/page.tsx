// One exercise in the authoring area: the editor with Try it, Prove it, publish and versions
// (browser exercises; repository exercises are shown read-only), and how each learner fares:
// their status, latest Check with what every check observed, and the hints and solution used.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { stringify } from 'yaml';
import { requireInstructor } from '@/lib/authz';
import { exerciseState } from '@/lib/authoring/exercises';
import { exerciseFileName } from '@/lib/authoring/exercise-yaml';
import { exerciseLearners } from '@/lib/authoring/overview';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { StackTable } from '@/components/StackTable';
import { ExerciseEditor } from '@/components/author/ExerciseEditor';
import { getAuthorI18n } from '@/messages/author/server';
import { getLearnI18n } from '@/messages/learn/server';

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { am, locale, t } = await getAuthorI18n();
  const exercise = await db().exercise.findUnique({ where: { id: (await params).id }, select: { title: true } });
  return { title: exercise ? t(am.exercise.title, { name: pick(exercise.title, locale) }) : undefined };
}

export default async function ExerciseAuthoringPage({ params }: Params) {
  const { id } = await params;
  await requireInstructor(`/instructor/exercises/${id}`);
  const { am, locale, t } = await getAuthorI18n();
  const { lm } = await getLearnI18n();
  const exercise = await db().exercise.findUnique({
    where: { id },
    include: {
      lesson: { select: { id: true, slug: true, title: true, draftTitle: true, course: { select: { slug: true } } } },
      currentVersion: { select: { version: true, spec: true } },
      versions: { orderBy: { version: 'desc' }, select: { id: true, version: true, createdAt: true, yaml: true, spec: true } },
    },
  });
  if (!exercise) notFound();
  const editable = exercise.origin === 'editor';
  const file = exerciseFileName(exercise.lesson.course.slug, exercise.lesson.slug, exercise.ref);
  // Repository exercises have no stored text: the spec as YAML is shown (the file is the truth).
  const textOf = (v: { yaml: string | null; spec: unknown }) => v.yaml ?? stringify(v.spec);
  const initialYaml = editable ? (exercise.draftYaml ?? '') : exercise.currentVersion ? stringify(exercise.currentVersion.spec) : '';
  const learners = await exerciseLearners(db(), exercise.id);
  const E = am.exercise;
  return (
    <section aria-labelledby="exercise-title" data-exercise={exercise.ref}>
      <p>
        <Link href="/instructor">{am.list.title}</Link> / <Link href={`/instructor/lessons/${exercise.lesson.id}`}>{pick(exercise.lesson.draftTitle ?? exercise.lesson.title, locale)}</Link>
      </p>
      <h1 id="exercise-title">{t(E.title, { name: pick(exercise.title, locale) })}</h1>
      {!editable ? <p className="notice">{t(E.readOnly, { file: `exercises/${file}` })}</p> : null}
      <p>
        <a href={`/api/instructor/export?exercise=${encodeURIComponent(exercise.id)}`} download>
          {am.list.exportExercise}
        </a>
      </p>
      <ExerciseEditor
        exerciseId={exercise.id}
        fileName={file}
        initialYaml={initialYaml}
        revision={exercise.draftRevision}
        editable={editable}
        state={exerciseState(exercise)}
        publishedVersion={exercise.currentVersion?.version ?? null}
        versions={exercise.versions.map((v) => ({ id: v.id, version: v.version, createdAt: v.createdAt.toISOString(), text: textOf(v), current: v.id === exercise.currentVersionId }))}
        locale={locale}
        m={E}
        stateNames={am.list.states}
        errors={am.errors}
        lm={lm}
      />
      <section aria-labelledby="learners-title">
        <h2 id="learners-title">{E.learnersTitle}</h2>
        {learners.length === 0 ? (
          <p>{E.learnersEmpty}</p>
        ) : (
          <StackTable columns={[E.colLearner, E.colStatus, E.colLatest, E.colHelp]}>
            {learners.map((l) => (
              <tr key={l.userId} data-learner={l.email}>
                <th scope="row">
                  {l.name} <span className="muted">{l.email}</span>
                </th>
                <td data-label={E.colStatus} data-status={l.status}>
                  {am.status[l.status]} · {l.points}
                </td>
                <td data-label={E.colLatest}>
                  {l.latest ? (
                    <>
                      <span>
                        {l.latest.at.toLocaleString(locale)} · v{l.latest.version}
                      </span>
                      <ul>
                        {l.latest.results.map((r) => (
                          <li key={r.checkId} data-check={r.checkId} data-passed={String(r.passed)}>
                            {t(E.checkRow, { check: r.checkId, result: r.passed ? lm.exercise.attemptPassed : lm.exercise.attemptFailed })}
                            {r.observed ? <span className="muted"> — {r.observed}</span> : null}
                          </li>
                        ))}
                      </ul>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td data-label={E.colHelp}>
                  {l.hints === 0 && !l.solution ? E.nothingUsed : [l.hints ? t(E.hintsUsed, { count: l.hints }) : null, l.solution ? E.solutionUsed : null].filter(Boolean).join(' · ')}
                </td>
              </tr>
            ))}
          </StackTable>
        )}
      </section>
    </section>
  );
}
