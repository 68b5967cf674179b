// One learner's whole history for an admin: account and groups, every exercise's state, each
// press of Check with every check's outcome and what it observed, hints and solutions opened,
// and their sandboxes (with why each ended).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AdminNav } from '@/components/admin/AdminNav';
import { ColumnHeads } from '@/components/admin/ColumnHeads';
import { DataTable, Panel } from '@/components/admin/Panel';
import { requireAdmin } from '@/lib/authz';
import { formatDateTime, formatDuration } from '@/lib/admin/format';
import { learnerProfile, secondsSpent } from '@/lib/admin/learning';
import { pick } from '@/lib/content/text';
import { db } from '@/lib/db';
import { attemptHistory } from '@/lib/progress/summary';
import { getAdminI18n } from '@/messages/admin/server';

const ATTEMPTS_SHOWN = 100;

/** A stored code in words, or the code itself when it is one this page does not know. */
function label(words: Record<string, string>, code: string): string {
  return Object.hasOwn(words, code) ? words[code]! : code;
}

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.progress.learner };
}

export default async function LearnerHistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/learners/${encodeURIComponent(id)}`);
  const { am, m, locale, t } = await getAdminI18n();
  if (!/^[a-z0-9]{1,40}$/.test(id)) notFound();
  const profile = await learnerProfile(db(), id);
  if (!profile) notFound();
  const attempts = await attemptHistory(db(), id, undefined, ATTEMPTS_SHOWN);
  const { user } = profile;
  const when = (d: Date | null) => (d ? formatDateTime(d, locale) : '—');
  return (
    <>
      <h1>{t(am.learner.title, { name: user.name })}</h1>
      <AdminNav current="progress" am={am} />
      <p>
        <Link href="/admin/progress">{am.learner.back}</Link>
      </p>
      <Panel id="account" title={am.learner.account}>
        <dl className="facts">
          <dt>{am.learner.email}</dt>
          <dd>{user.email}</dd>
          <dt>{am.learner.role}</dt>
          <dd>{m.common.roles[user.role]}</dd>
          <dt>{am.learner.joined}</dt>
          <dd>{when(user.createdAt)}</dd>
          <dt>{am.learner.groups}</dt>
          <dd>
            {user.cohorts.length === 0
              ? am.learner.noGroups
              : user.cohorts.map((c, i) => (
                  <span key={c.cohort.id}>
                    {i > 0 ? ', ' : ''}
                    <Link href={`/admin/groups/${c.cohort.id}`}>{c.cohort.name}</Link>
                  </span>
                ))}
          </dd>
        </dl>
      </Panel>

      <Panel id="exercises" title={am.learner.progressTitle}>
        {profile.progress.length === 0 ? (
          <p>{am.common.none}</p>
        ) : (
          <DataTable heads={[am.progress.exercise, am.learner.state, am.learner.points, am.learner.attempts, am.learner.timeSpent, am.learner.started, am.learner.passedAt]}>
            {profile.progress.map((p) => {
              const seconds = secondsSpent(p);
              return (
                <tr key={p.id}>
                  <th scope="row">{pick(p.exercise.title, locale) || p.exercise.ref}</th>
                  <td>{am.progress.states[p.status]}</td>
                  <td>{p.points}</td>
                  <td>{p.attempts}</td>
                  <td>{seconds === null ? '—' : formatDuration(seconds, am, locale)}</td>
                  <td>{when(p.startedAt)}</td>
                  <td>{when(p.passedAt)}</td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Panel>

      <Panel id="attempts" title={am.learner.attemptsTitle}>
        <p className="muted">{am.learner.attemptsLead}</p>
        {attempts.length === 0 ? (
          <p>{am.common.none}</p>
        ) : (
          <ol className="attempt-list" data-testid="learner-attempts">
            {attempts.map((a) => (
              <li key={a.id} className="attempt">
                <p>
                  <strong>{pick(a.exerciseVersion.exercise.title, locale) || a.exerciseVersion.exercise.ref}</strong>{' '}
                  <span className="muted">({t(am.learner.version, { version: a.exerciseVersion.version })})</span> ·{' '}
                  <time dateTime={a.createdAt.toISOString()}>{when(a.createdAt)}</time> · {a.passed ? am.learner.passed : am.learner.failed} ·{' '}
                  {t(am.progress.points, { points: a.points })}
                </p>
                <table>
                  <ColumnHeads labels={[am.progress.check, am.learner.result, am.progress.message, am.progress.observed]} />
                  <tbody>
                    {a.results.map((r) => (
                      <tr key={r.id} data-testid={`result-${r.checkId}`}>
                        <th scope="row">
                          <code>{r.checkId}</code>
                        </th>
                        <td>{r.passed ? `✓ ${am.learner.passed}` : `✗ ${am.learner.failed}`}</td>
                        <td>{r.message}</td>
                        <td>{typeof r.observed === 'string' ? <code className="observed">{r.observed}</code> : r.observed === null ? '—' : <code className="observed">{JSON.stringify(r.observed)}</code>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <Panel id="reveals" title={am.learner.revealsTitle}>
        {profile.reveals.length === 0 ? (
          <p>{am.common.none}</p>
        ) : (
          <ul>
            {profile.reveals.map((r) => (
              <li key={r.id}>
                <code>{r.exercise.ref}</code>: {r.kind === 'hint' ? t(am.learner.hint, { index: r.index + 1 }) : am.learner.solution} · {when(r.createdAt)}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel id="sandboxes" title={am.learner.sandboxesTitle}>
        {profile.sandboxes.length === 0 ? (
          <p>{am.common.none}</p>
        ) : (
          <DataTable heads={[am.fleet.exercise, am.fleet.state, am.learner.started, am.learner.endReason]}>
            {profile.sandboxes.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <code>{s.exercise.ref}</code>
                </th>
                <td>{label(am.learner.sandboxStates, s.state)}</td>
                <td>{when(s.createdAt)}</td>
                <td>{s.endReason ? label(am.learner.endReasons, s.endReason) : '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Panel>
    </>
  );
}
