// The audit log of what admins and instructors change: who, what, when, and from where (the
// peer address of the request). Every admin or instructor mutation calls `audit` once it has
// happened; the log is append-only (the app never updates or deletes an AuditEvent).
import type { Prisma } from '@prisma/client';
import { headers } from 'next/headers';
import type { Db } from '../db';
import { clientAddressFrom } from '../client-address';

export interface AuditActor {
  id: string;
  email: string;
  role: string;
}

/** Stable action names: the audit log's vocabulary (shown to admins, filtered, exported). */
export const AUDIT_ACTIONS = [
  'signup.open',
  'user.role',
  'user.disabled',
  'cohort.create',
  'cohort.delete',
  'cohort.member.add',
  'cohort.member.remove',
  'cohort.link.rotate',
  'cohort.link.disable',
  'sandbox.terminate',
  'lesson.create',
  'lesson.save',
  'lesson.restore',
  'lesson.publish',
  'lesson.unpublish',
  'exercise.create',
  'exercise.save',
  'exercise.publish',
  'exercise.unpublish',
  'exercise.archive',
  'exercise.restore',
  'exercise.prove',
  'exercise.try',
  'content.import',
  'content.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number] | (string & {});

export interface AuditEntry {
  action: AuditAction;
  target?: string | null;
  detail?: Prisma.InputJsonValue;
  /** The request's peer address; read from the current request's headers when omitted. */
  ip?: string | null;
}

/** The current request's peer address (Next.js sets x-forwarded-for from the socket). */
export async function requestAddress(): Promise<string | null> {
  try {
    const address = clientAddressFrom(await headers());
    return address === 'unknown' ? null : address;
  } catch {
    // Outside a request (a script): there is no peer.
    return null;
  }
}

/** Records one admin or instructor action. */
export async function audit(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: actor.id,
      actorEmail: actor.email,
      actorRole: actor.role,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail,
      ip: entry.ip === undefined ? await requestAddress() : entry.ip,
    },
  });
}

export const AUDIT_PAGE_SIZE = 50;

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

/** One page of the audit log, newest first, after `before` (keyset on createdAt, id: no OFFSET over the whole log). */
export function auditPage(db: Db, before?: AuditCursor, take = AUDIT_PAGE_SIZE) {
  return db.auditEvent.findMany({
    where: before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {},
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
  });
}

/** A cursor as it travels in a URL ("<ms>.<id>"), parsed back; undefined when malformed. */
export function encodeCursor(c: AuditCursor): string {
  return `${c.createdAt.getTime()}.${c.id}`;
}

export function decodeCursor(value: unknown): AuditCursor | undefined {
  const match = typeof value === 'string' ? /^(\d{1,15})\.([a-z0-9]{1,40})$/.exec(value) : null;
  return match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : undefined;
}
