// The committed migrations and the app's queries, against both databases the platform runs on:
// a SQLite file and a throwaway PostgreSQL 15 cluster (so the PostgreSQL path cannot rot).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuthoringOverview, listCatalogue } from '../catalogue';
import { authenticate, changeRole, listUsers, registerLearner, setDisabled } from '../accounts';
import { parseEnv } from '../env';
import { seedAccounts } from '../seed';
import { isSignupOpen, setSignupOpen } from '../settings';
import { createDb, type Db } from './client';
import type { DatabaseTarget } from './database-url';
import { MigrationError, applyMigrations } from './migrate';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres';

const root = path.resolve(__dirname, '..', '..');

describe.each(['sqlite', 'postgresql'] as const)('data model on %s', (kind) => {
  let tmp: string;
  let pg: ThrowawayPostgres | undefined;
  let target: DatabaseTarget;
  let db: Db;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-db-'));
    if (kind === 'postgresql') {
      pg = startThrowawayPostgres();
      target = { kind, url: pg.url };
    } else {
      target = { kind, file: path.join(tmp, 'nested', 'kubelab.db') };
    }
    db = createDb(target);
  });

  afterAll(async () => {
    await db?.$disconnect();
    pg?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('applies the committed migrations once, then nothing', async () => {
    const first = await applyMigrations(target, root);
    expect(first.applied).toContain('20261127000000_init');
    const second = await applyMigrations(target, root);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
  });

  it('signs up learners, checks passwords, and keeps emails unique', async () => {
    const signup = { name: 'Lin', email: 'lin@example.test', password: 'a long password' };
    const created = await registerLearner(db, signup, true, 'zh-CN');
    expect(created.ok && created.user.role).toBe('learner');
    expect(await registerLearner(db, signup, true)).toEqual({ ok: false, reason: 'email_taken' });

    const ok = await authenticate(db, ' LIN@example.test ', 'a long password');
    expect(ok.ok).toBe(true);
    expect(await authenticate(db, 'lin@example.test', 'wrong password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await authenticate(db, 'nobody@example.test', 'a long password')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('lets an admin close sign-up, change roles and disable accounts, but not their own', async () => {
    expect(await isSignupOpen(db, true)).toBe(true);
    expect(await isSignupOpen(db, false)).toBe(false);
    await setSignupOpen(db, false);
    expect(await isSignupOpen(db, true)).toBe(false);
    const refused = await registerLearner(db, { name: 'Z', email: 'z@example.test', password: 'another password' }, true);
    expect(refused).toEqual({ ok: false, reason: 'signup_closed' });
    await setSignupOpen(db, true);

    const lin = await db.user.findUniqueOrThrow({ where: { email: 'lin@example.test' } });
    expect(await changeRole(db, 'admin-id', lin.id, 'instructor')).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: lin.id } })).role).toBe('instructor');
    expect(await changeRole(db, lin.id, lin.id, 'admin')).toEqual({ ok: false, reason: 'self' });
    expect(await changeRole(db, 'admin-id', 'no-such-user', 'admin')).toEqual({ ok: false, reason: 'not_found' });
    expect(await setDisabled(db, 'admin-id', lin.id, true)).toEqual({ ok: true });
    expect(await authenticate(db, 'lin@example.test', 'a long password')).toEqual({ ok: false, reason: 'disabled' });
    // A disabled account with a wrong password is just "invalid": nothing is revealed.
    expect(await authenticate(db, 'lin@example.test', 'wrong password')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('seeds admin and instructor idempotently, generating passwords only when none is given', async () => {
    const dataDir = path.join(tmp, 'data');
    const env = parseEnv({ KUBELAB_DATA_DIR: dataDir, KUBELAB_INSTRUCTOR_PASSWORD: 'instructor-pass-1' }, tmp);
    const lines: string[] = [];
    const first = await seedAccounts(db, env, (l) => lines.push(l));
    const admin = first.find((o) => o.role === 'admin');
    expect(admin).toMatchObject({ action: 'created', generated: true });
    const generated = admin && admin.action === 'created' ? admin.password : '';
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(lines.join('\n')).toContain(generated);
    const file = path.join(dataDir, 'seeded-credentials');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe(`admin admin@kubelab.local ${generated}\n`);
    expect((await authenticate(db, 'admin@kubelab.local', generated)).ok).toBe(true);
    expect(await authenticate(db, 'instructor@kubelab.local', 'instructor-pass-1')).toMatchObject({ ok: true, user: { role: 'instructor' } });

    const again: string[] = [];
    const second = await seedAccounts(db, env, (l) => again.push(l));
    expect(second.map((o) => o.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.join('\n')).not.toContain(generated);
    expect(again[0]).toContain(file);
    expect(await db.user.count({ where: { role: { in: ['admin', 'instructor'] } } })).toBe(3);
    expect((await listUsers(db)).map((u) => `${u.role} ${u.email}`)).toEqual([
      'admin admin@kubelab.local',
      'instructor instructor@kubelab.local',
      'instructor lin@example.test',
    ]);

    const rotated = parseEnv({ KUBELAB_DATA_DIR: dataDir, KUBELAB_INSTRUCTOR_PASSWORD: 'instructor-pass-2' }, tmp);
    const third = await seedAccounts(db, rotated, () => undefined);
    expect(third[1]).toEqual({ role: 'instructor', email: 'instructor@kubelab.local', action: 'password_updated' });
    expect((await authenticate(db, 'instructor@kubelab.local', 'instructor-pass-2')).ok).toBe(true);
  });

  it('versions exercises by content hash and never loses attempts or progress', async () => {
    const learner = await db.user.create({ data: { email: `l-${kind}@example.test`, name: 'L', passwordHash: 'x' } });
    const course = await db.course.upsert({
      where: { slug: 'pods' },
      create: { slug: 'pods', title: { en: 'Pods', 'zh-CN': 'Pod' }, summary: { en: 'Why Pods', 'zh-CN': '为什么是 Pod' } },
      update: {},
    });
    const lesson = await db.lesson.create({
      data: { courseId: course.id, slug: 'infra', title: { en: 'Infra container' }, body: { en: '# Infra' } },
    });
    const exercise = await db.exercise.create({
      data: { ref: 'pods/infra/first-pod', lessonId: lesson.id, slug: 'first-pod', title: { en: 'First Pod' } },
    });
    const v1 = await db.exerciseVersion.create({
      data: { exerciseId: exercise.id, version: 1, contentHash: 'h1', spec: { checks: [{ id: 'pod-running' }] } },
    });
    await db.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: v1.id } });
    await expect(
      db.exerciseVersion.create({ data: { exerciseId: exercise.id, version: 2, contentHash: 'h1', spec: {} } }),
    ).rejects.toMatchObject({ code: 'P2002' });

    const sandbox = await db.sandbox.create({
      data: { runnerId: `sbx-${kind}`, userId: learner.id, exerciseId: exercise.id, state: 'ready', expiresAt: new Date(Date.now() + 3600_000) },
    });
    await db.attempt.create({
      data: {
        userId: learner.id,
        exerciseVersionId: v1.id,
        sandboxId: sandbox.id,
        passed: false,
        results: {
          create: [
            { checkId: 'pod-running', passed: false, message: 'Pod web is Pending', observed: { phase: 'Pending' } },
          ],
        },
      },
    });
    await db.progress.upsert({
      where: { userId_exerciseId: { userId: learner.id, exerciseId: exercise.id } },
      create: { userId: learner.id, exerciseId: exercise.id, status: 'in_progress' },
      update: { status: 'in_progress' },
    });
    await db.reveal.create({ data: { userId: learner.id, exerciseId: exercise.id, kind: 'hint', index: 0 } });
    await expect(
      db.reveal.create({ data: { userId: learner.id, exerciseId: exercise.id, kind: 'hint', index: 0 } }),
    ).rejects.toMatchObject({ code: 'P2002' });

    // The content changes: a new version becomes current; the sandbox expires and is removed.
    const v2 = await db.exerciseVersion.create({ data: { exerciseId: exercise.id, version: 2, contentHash: 'h2', spec: { checks: [] } } });
    await db.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: v2.id } });
    await db.sandbox.delete({ where: { id: sandbox.id } });
    await db.attempt.create({ data: { userId: learner.id, exerciseVersionId: v2.id, passed: true, points: 10 } });
    await db.progress.update({
      where: { userId_exerciseId: { userId: learner.id, exerciseId: exercise.id } },
      data: { status: 'passed', points: 10 },
    });

    const attempts = await db.attempt.findMany({
      where: { userId: learner.id },
      orderBy: { createdAt: 'asc' },
      include: { results: true, exerciseVersion: { select: { version: true } } },
    });
    expect(attempts.map((a) => [a.exerciseVersion.version, a.passed, a.sandboxId])).toEqual([
      [1, false, null],
      [2, true, null],
    ]);
    expect(attempts[0]?.results[0]).toMatchObject({ checkId: 'pod-running', observed: { phase: 'Pending' } });
    // Content with history cannot be deleted by accident: it is archived instead.
    await expect(db.exerciseVersion.delete({ where: { id: v1.id } })).rejects.toThrow();
    await expect(db.course.delete({ where: { id: course.id } })).rejects.toThrow();
    const withCounts = await db.course.findUniqueOrThrow({
      where: { slug: 'pods' },
      include: { lessons: { include: { _count: { select: { exercises: true } } } } },
    });
    expect(withCounts.title).toEqual({ en: 'Pods', 'zh-CN': 'Pod' });
    expect(withCounts.lessons[0]?._count.exercises).toBe(1);
    const progress = await db.progress.findFirstOrThrow({ where: { userId: learner.id } });
    expect(progress).toMatchObject({ status: 'passed', points: 10 });

    // The catalogue as the home page and the authoring area show it.
    await db.course.create({ data: { slug: 'old', title: { en: 'Old' }, summary: { en: '' }, archived: true } });
    expect(await listCatalogue(db, 'zh-CN', learner.id)).toEqual([
      { slug: 'pods', title: 'Pod', summary: '为什么是 Pod', lessons: 1, exercises: 1, passed: 1 },
    ]);
    expect((await listCatalogue(db, 'en'))[0]).toMatchObject({ title: 'Pods', passed: null });
    const overview = await listAuthoringOverview(db, 'en');
    expect(overview.find((c) => c.slug === 'pods')).toMatchObject({ lessons: 1, exercises: 1, versions: 2, attempts: 2 });
    expect(overview.find((c) => c.slug === 'old')).toMatchObject({ archived: true, exercises: 0 });
  });
});

describe('migration history', () => {
  it('refuses a migration that was changed after it was applied', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-mig-'));
    try {
      fs.cpSync(path.join(root, 'prisma', 'migrations'), path.join(tmp, 'prisma', 'migrations'), { recursive: true });
      const target: DatabaseTarget = { kind: 'sqlite', file: path.join(tmp, 'k.db') };
      await applyMigrations(target, tmp);
      const file = path.join(tmp, 'prisma', 'migrations', 'sqlite', '20261127000000_init', 'migration.sql');
      fs.appendFileSync(file, '\n-- edited\n');
      const err = await applyMigrations(target, tmp).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect(err).toMatchObject({ code: 'MIGRATION_MODIFIED' });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
