// The rows of the admins' CSV exports, pulled from the database a page at a time (keyset on
// ids), so a streamed export never holds every learner or every audit event in memory.
import type { Db } from '../db';
import { auditPage, type AuditCursor } from './audit';
import type { CsvCell } from './csv';
import { secondsSpent, type Audience } from './learning';

const BATCH = 500;

/** One row per learner and exercise (the matrix, long form), learners in id order. */
export async function* progressRows(db: Db, exercises: readonly { id: string; ref: string }[], audience: Audience): AsyncGenerator<CsvCell[][]> {
  let after: string | undefined;
  const exerciseIds = exercises.map((e) => e.id);
  for (;;) {
    const users = await db.user.findMany({
      where: { ...(audience.cohortId ? { cohorts: { some: { cohortId: audience.cohortId } } } : { role: 'learner' }), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: BATCH,
      select: { id: true, name: true, email: true },
    });
    if (users.length === 0) return;
    after = users.at(-1)!.id;
    const progress = await db.progress.findMany({ where: { userId: { in: users.map((u) => u.id) }, exerciseId: { in: exerciseIds } } });
    const byKey = new Map(progress.map((p) => [`${p.userId} ${p.exerciseId}`, p]));
    yield users.flatMap((u) =>
      exercises.map((e) => {
        const p = byKey.get(`${u.id} ${e.id}`);
        return [u.name, u.email, e.ref, p?.status ?? 'not_started', p?.points ?? 0, p?.attempts ?? 0, p ? secondsSpent(p) : null, p?.startedAt ?? null, p?.passedAt ?? null];
      }),
    );
    if (users.length < BATCH) return;
  }
}

/** The audit log, newest first. */
export async function* auditRows(db: Db): AsyncGenerator<CsvCell[][]> {
  let before: AuditCursor | undefined;
  for (;;) {
    const events = await auditPage(db, before, BATCH);
    if (events.length === 0) return;
    const last = events.at(-1)!;
    before = { createdAt: last.createdAt, id: last.id };
    yield events.map((e) => [e.createdAt, e.actorEmail, e.actorRole, e.action, e.target, e.detail === null ? null : JSON.stringify(e.detail), e.ip]);
    if (events.length < BATCH) return;
  }
}
