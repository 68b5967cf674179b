// The web app's record of learners' sandboxes, and the ownership rule every sandbox request
// goes through: a learner reaches a sandbox only through a row that names them as its user.
import type { Db } from '../db';

const LIVE_STATES = ['provisioning', 'ready'];

/** The sandbox row if `userId` owns it; null otherwise (never says whether it exists). */
export function ownedSandbox(db: Db, userId: string, sandboxId: string) {
  return db.sandbox.findFirst({ where: { id: sandboxId, userId } });
}

/** The learner's live sandbox for an exercise, newest first. */
export function liveSandboxFor(db: Db, userId: string, exerciseId: string) {
  return db.sandbox.findFirst({
    where: { userId, exerciseId, state: { in: LIVE_STATES }, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
  });
}

/** Every live sandbox of the learner, with its exercise's ref and title, newest first. */
export function liveSandboxesOf(db: Db, userId: string) {
  return db.sandbox.findMany({
    where: { userId, state: { in: LIVE_STATES }, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, createdAt: true, exercise: { select: { ref: true, title: true } } },
  });
}

export function isLiveState(state: string): boolean {
  return LIVE_STATES.includes(state);
}
