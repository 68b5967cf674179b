// The admins' view of learning: per course and group, the completion funnel of each lesson,
// the time to complete each exercise, hint and solution use, the checks that fail most (with
// what they observed) and the matrix of learners by exercises, one learner's history a click away.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AdminNav } from '@/components/admin/AdminNav';
import { DataTable, Panel } from '@/components/admin/Panel';
import { BarChart } from '@/components/admin/BarChart';
import { Pager } from '@/components/admin/Pager';
import { requireAdmin } from '@/lib/authz';
import { listCohorts } from '@/lib/admin/cohorts';
import { filterQuery, parseFilters, selectedCohort, selectedCourse } from '@/lib/admin/filters';
import { formatDuration } from '@/lib/admin/format';
import { sharedFigures } from '@/lib/admin/shared-figures';
import { failingChecks, learnerMatrix, lessonFunnels, MATRIX_PAGE_SIZE, revealUse, timeToComplete } from '@/lib/admin/learning';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { getAdminI18n } from '@/messages/admin/server';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.progress.title };
}

export default async function AdminProgressPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const filters = parseFilters(await searchParams);
  await requireAdmin(`/admin/progress${filterQuery(filters)}`);
  const { am, locale, t, n } = await getAdminI18n();
  const [{ courses, course }, cohorts, cohort] = await Promise.all([selectedCourse(db(), filters.course), listCohorts(db()), selectedCohort(db(), filters.group)]);
  if (filters.group && !cohort) notFound();
  const audience = { cohortId: cohort?.id ?? null };
  const exercises = course ? course.lessons.flatMap((l) => l.exercises.map((e) => ({ ...e, lesson: l.slug }))) : [];
  const exerciseIds = exercises.map((e) => e.id);
  const title = (id: string) => {
    const e = exercises.find((x) => x.id === id);
    return e ? pick(e.title, locale) || e.ref : id;
  };
  const audienceKey = `${course?.id ?? ''} ${audience.cohortId ?? ''} ${exerciseIds.join(',')}`;
  const [figures, failing, matrix] = await Promise.all([
    sharedFigures(audienceKey, async () => {
      const [funnels, times, reveals] = await Promise.all([
        lessonFunnels(db(), (course?.lessons ?? []).map((l) => ({ id: l.id, exerciseIds: l.exercises.map((e) => e.id) })), audience),
        timeToComplete(db(), exerciseIds, audience),
        revealUse(db(), exerciseIds, audience),
      ]);
      return { funnels, times, reveals };
    }),
    failingChecks(db(), exerciseIds),
    learnerMatrix(db(), exerciseIds, audience, filters.page),
  ]);
  const { funnels, times, reveals } = figures.value;
  const duration = (s: number) => formatDuration(s, am, locale);
  const pages = Math.max(1, Math.ceil(matrix.total / MATRIX_PAGE_SIZE));
  const stepLabel = (key: string) =>
    key === 'audience' ? (cohort ? am.progress.stepAudience : am.common.allLearners) : key === 'started' ? am.progress.stepStarted : key === 'completed' ? am.progress.stepCompleted : t(am.progress.stepPassed, { exercise: title(key.slice('passed:'.length)) });
  const sampleUserIds = [...new Set(failing.flatMap((f) => f.samples.map((s) => s.userId)))];
  const learnerNames = new Map(
    (sampleUserIds.length ? await db().user.findMany({ where: { id: { in: sampleUserIds } }, select: { id: true, name: true } }) : []).map((u) => [u.id, u.name]),
  );

  return (
    <>
      <h1>{am.progress.title}</h1>
      <AdminNav current="progress" am={am} />
      <p className="lead">{am.progress.lead}</p>
      <form method="get" className="panel filter-form" aria-label={am.progress.title}>
        <div className="field">
          <label htmlFor="filter-course">{am.progress.course}</label>
          <select id="filter-course" name="course" defaultValue={course?.slug ?? ''}>
            {courses.map((c) => (
              <option key={c.id} value={c.slug}>
                {pick(c.title, locale) || c.slug}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-group">{am.progress.group}</label>
          <select id="filter-group" name="group" defaultValue={cohort?.id ?? ''}>
            <option value="">{am.common.allLearners}</option>
            {cohorts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {am.common.apply}
        </button>
        <a className="button secondary" href={`/admin/progress/export${filterQuery({ course: course?.slug, group: cohort?.id })}`} download>
          {am.progress.exportCsv}
        </a>
      </form>

      {!course ? (
        <p className="empty-state">{am.progress.noCourses}</p>
      ) : (
        <>
          <Panel
            id="matrix"
            title={
              <>
                {am.progress.matrixTitle} <span className="muted">({n(am.progress.learnersCount, matrix.total)})</span>
              </>
            }
          >
            <p className="muted">{am.progress.matrixLead}</p>
            {matrix.rows.length === 0 ? (
              <p>{am.progress.noLearners}</p>
            ) : (
              <DataTable
                className="matrix"
                testId="progress-matrix"
                caption={am.progress.matrixTitle}
                head={
                  <thead>
                    <tr>
                      <th scope="col">{am.progress.learner}</th>
                      {exercises.map((e) => (
                        <th key={e.id} scope="col">
                          {pick(e.title, locale) || e.ref}
                        </th>
                      ))}
                    </tr>
                  </thead>
                }
              >
                {matrix.rows.map((row) => (
                  <tr key={row.id} data-testid={`matrix-row-${row.email}`}>
                    <th scope="row">
                      <Link href={`/admin/learners/${row.id}`}>{row.name}</Link>
                      <br />
                      <span className="muted small">{row.email}</span>
                    </th>
                    {exercises.map((e) => {
                      const cell = row.cells[e.id];
                      const status = cell?.status ?? 'not_started';
                      return (
                        <td key={e.id} className={`matrix-cell matrix-${status}`}>
                          {/* Two nodes a cell (the state's symbol comes from admin.css): 1,250 cells are most of the page. */}
                          <b className="matrix-state">{am.progress.states[status]}</b>
                          {cell && status !== 'not_started'
                            ? `${t(am.progress.points, { points: cell.points })} · ${n(am.progress.attempts, cell.attempts)}${cell.seconds !== null ? ` · ${duration(cell.seconds)}` : ''}`
                            : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </DataTable>
            )}
            <Pager label={am.progress.matrixTitle} page={filters.page} pages={pages} href={(p) => `/admin/progress${filterQuery({ ...filters, course: course.slug, page: p })}`} am={am} />
          </Panel>

          <Panel id="failing" title={am.progress.failingTitle}>
            <p className="muted">{am.progress.failingLead}</p>
            {failing.length === 0 ? (
              <p>{am.progress.noFailures}</p>
            ) : (
              <DataTable testId="failing-checks" heads={[am.progress.check, am.progress.exercise, am.progress.failures, am.progress.samples]}>
                {failing.map((f) => (
                  <tr key={`${f.exerciseId}-${f.checkId}`} data-testid={`failing-${f.checkId}`}>
                    <th scope="row">
                      <code>{f.checkId}</code>
                    </th>
                    <td>{title(f.exerciseId)}</td>
                    <td>{t(am.progress.failRate, { failures: f.failures, runs: f.runs })}</td>
                    <td>
                      <ul className="samples">
                        {f.samples.map((s, i) => (
                          <li key={i}>
                            <span className="muted small">
                              <Link href={`/admin/learners/${s.userId}`}>{learnerNames.get(s.userId) ?? am.progress.learner}</Link>{' '}
                              · <time dateTime={s.at}>{new Date(s.at).toLocaleString(locale, { timeZone: 'UTC' })} UTC</time>
                            </span>
                            <br />
                            {s.message}
                            {s.observed ? (
                              <>
                                <br />
                                <span className="muted">{am.progress.observed}:</span> <code className="observed">{s.observed}</code>
                              </>
                            ) : null}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </Panel>

          <p className="muted" data-testid="figures-as-of">
            {t(am.progress.figuresAsOf, { time: figures.at.toLocaleTimeString(locale, { timeZone: 'UTC' }) })}
          </p>
          <Panel id="funnel" title={am.progress.funnelsTitle}>
            {course.lessons.map((lesson) => (
              <BarChart
                key={lesson.id}
                id={`funnel-${lesson.slug}`}
                title={t(am.progress.funnelTitle, { lesson: pick(lesson.title, locale) || lesson.slug })}
                description={am.progress.funnelDesc}
                series={[{ key: 'learners', label: am.progress.funnelLearners, pattern: 'solid' }]}
                groups={(funnels.get(lesson.id) ?? []).map((s) => ({ label: stepLabel(s.key), values: [s.learners] }))}
                format={(v) => new Intl.NumberFormat(locale).format(v)}
                rowHeader={am.progress.funnelStep}
                showTableLabel={am.common.showTable}
              />
            ))}
          </Panel>

          <Panel id="time" title={am.progress.timeTitle}>
            <BarChart
              id="time-to-complete"
              title={am.progress.timeTitle}
              description={am.progress.timeDesc}
              series={[
                { key: 'median', label: am.progress.median, pattern: 'solid' },
                { key: 'p90', label: am.progress.p90, pattern: 'hatched' },
              ]}
              groups={times.map((x) => ({ label: title(x.exerciseId), values: [x.medianSeconds, x.p90Seconds] }))}
              format={duration}
              rowHeader={am.progress.exercise}
              showTableLabel={am.common.showTable}
            />
          </Panel>

          <Panel id="reveal" title={am.progress.revealTitle}>
            <DataTable heads={[am.progress.exercise, am.progress.passedCount, am.progress.hintLearners, am.progress.hintsOpened, am.progress.solutionLearners]}>
              {reveals.map((r) => (
                <tr key={r.exerciseId}>
                  <th scope="row">{title(r.exerciseId)}</th>
                  <td>{times.find((x) => x.exerciseId === r.exerciseId)?.passed ?? 0}</td>
                  <td>{r.hintLearners}</td>
                  <td>{r.hints}</td>
                  <td>{r.solutionLearners}</td>
                </tr>
              ))}
            </DataTable>
          </Panel>
        </>
      )}
    </>
  );
}
