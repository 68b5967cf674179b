// The sandbox fleet: each registered runner's health, free slots and capacity (its row and metrics) and every live
// sandbox with owner, exercise, age, idle time, state and CPU / memory use, each one endable.
import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminNav } from '@/components/admin/AdminNav';
import { DataTable, Panel } from '@/components/admin/Panel';
import { BarChart } from '@/components/admin/BarChart';
import { Notice } from '@/components/admin/Notice';
import { requireAdmin } from '@/lib/authz';
import { fleetView } from '@/lib/admin/fleet';
import { formatBytes, formatDuration, formatPercent } from '@/lib/admin/format';
import { db } from '@/lib/db';
import { getAdminI18n } from '@/messages/admin/server';
import { terminateSandboxAction } from './actions';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getAdminI18n()).am.fleet.title };
}

export default async function FleetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin('/admin/fleet');
  const { am, locale, t } = await getAdminI18n();
  const notice = (await searchParams).notice;
  const { runners, sandboxes } = await fleetView(db());
  const now = Date.now();
  const ago = (iso: string | null) => (iso ? formatDuration(Math.max(0, Math.round((now - Date.parse(iso)) / 1000)), am, locale) : '—');
  const seconds = (s: number | null) => (s === null ? '—' : formatDuration(s, am, locale));
  const live = (counts: Record<string, number>) => (counts.provisioning ?? 0) + (counts.ready ?? 0) + (counts.deleting ?? 0);
  return (
    <>
      <h1>{am.fleet.title}</h1>
      <AdminNav current="fleet" am={am} />
      <p className="lead">{am.fleet.lead}</p>
      <Notice code={notice} messages={am.fleet} errors={['notFound', 'runnerFailed']} />
      <Panel id="runners" title={am.fleet.runnersTitle}>
        <DataTable testId="runners" heads={[am.fleet.runner, am.fleet.health, am.fleet.live, am.fleet.freeSlots, am.fleet.lastSeen, am.fleet.warmPool, am.fleet.createLatency, am.fleet.creates, am.fleet.failures, am.fleet.memory]}>
          {runners.map((r) => (
            <tr key={r.name} data-testid={`runner-${r.name}`}>
              <th scope="row">
                {r.name}
                {r.provider ? <span className="muted small"> · {r.provider}</span> : null}
              </th>
              <td>{r.reachable ? `✓ ${am.fleet.reachable}` : r.error === 'engine_wedged' ? `⚠ ${am.fleet.engineWedged}` : `✗ ${t(am.fleet.unreachable, { code: r.error ?? '' })}`}</td>
              <td>
                {live(r.counts)}
                {r.maxSandboxes !== null ? ` / ${r.maxSandboxes}` : ''}
              </td>
              <td>{r.freeSlots ?? '—'}</td>
              <td>{r.lastSeenAt ? t(am.fleet.lastSeenAgo, { ago: ago(r.lastSeenAt) }) : am.fleet.neverSeen}</td>
              <td>{t(am.fleet.warmPoolValue, { ready: r.counts.warm ?? 0, target: r.warmPoolTarget ?? '—' })}</td>
              <td>
                {seconds(r.createP50Seconds === null ? null : Math.round(r.createP50Seconds * 10) / 10)} / {seconds(r.createP95Seconds === null ? null : Math.round(r.createP95Seconds * 10) / 10)}
              </td>
              <td>{r.creates}</td>
              <td>{t(am.fleet.failuresValue, { creates: r.createFailures, engine: r.engineErrors })}</td>
              <td>{r.residentMemoryBytes === null ? '—' : formatBytes(r.residentMemoryBytes, locale)}</td>
            </tr>
          ))}
        </DataTable>
        <BarChart
          id="runner-capacity"
          title={am.fleet.capacityTitle}
          description={am.fleet.capacityDesc}
          series={[
            { key: 'live', label: am.fleet.used, pattern: 'solid' },
            { key: 'capacity', label: am.fleet.capacity, pattern: 'hatched' },
          ]}
          groups={runners.map((r) => ({ label: r.name, values: [r.reachable ? live(r.counts) : null, r.maxSandboxes] }))}
          format={(v) => new Intl.NumberFormat(locale).format(v)}
          rowHeader={am.fleet.runner}
          showTableLabel={am.common.showTable}
        />
      </Panel>
      <Panel id="sandboxes" title={am.fleet.sandboxesTitle}>
        {sandboxes.length === 0 ? (
          <p>{am.fleet.noSandboxes}</p>
        ) : (
          <DataTable testId="fleet-sandboxes" heads={[am.fleet.owner, am.fleet.exercise, am.fleet.age, am.fleet.idle, am.fleet.state, am.fleet.cpu, am.fleet.memoryUse, am.fleet.actions]}>
            {sandboxes.map((s) => {
              const owner = s.owner ? s.owner.name : am.fleet.unknownOwner;
              return (
                <tr key={s.runnerSandboxId} data-testid={`sandbox-${s.owner?.email ?? s.runnerSandboxId}`}>
                  <th scope="row">
                    {s.owner ? <Link href={`/admin/learners/${s.owner.id}`}>{s.owner.name}</Link> : owner}
                    {s.owner ? <span className="muted small"> {s.owner.email}</span> : null}
                    <br />
                    <code className="muted small">
                      {s.runner} · {s.runnerSandboxId}
                    </code>
                  </th>
                  <td>{s.exercise ? <code>{s.exercise}</code> : '—'}</td>
                  <td>{ago(s.createdAt)}</td>
                  <td>{ago(s.lastActiveAt)}</td>
                  <td>{Object.hasOwn(am.learner.sandboxStates, s.state) ? am.learner.sandboxStates[s.state as keyof typeof am.learner.sandboxStates] : s.state}</td>
                  <td>{s.cpuPercent === null ? '—' : formatPercent(s.cpuPercent, locale)}</td>
                  <td>
                    {s.memoryBytes === null
                      ? '—'
                      : s.memoryLimitBytes
                        ? t(am.fleet.memoryOf, { used: formatBytes(s.memoryBytes, locale), limit: formatBytes(s.memoryLimitBytes, locale) })
                        : formatBytes(s.memoryBytes, locale)}
                  </td>
                  <td>
                    <form action={terminateSandboxAction}>
                      <input type="hidden" name="sandbox" value={s.runnerSandboxId} />
                      <button type="submit" className="button small danger" aria-label={t(am.fleet.terminateFor, { owner })}>
                        {am.fleet.terminate}
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Panel>
    </>
  );
}
