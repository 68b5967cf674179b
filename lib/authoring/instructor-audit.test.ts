// The instructor's changes in the audit log, on a real SQLite database with the committed
// migrations: each state-changing action through lib/authoring/instructor-actions leaves one
// row with who (id, email, role), what (action, target, detail), when and from where; a refused
// action leaves none; and every recorded action has a readable name in both admin catalogues.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCatalogues } from '../../messages/admin';
import { AUDIT_ACTIONS } from '../admin/audit';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { AuthoringError } from './errors';
import { exerciseYaml } from './exercise-fixture';
import {
  createExerciseAudited,
  createLessonAudited,
  exportAudited,
  importAudited,
  recordProofAudited,
  restoreExerciseAudited,
  restoreLessonAudited,
  saveExerciseAudited,
  saveLessonAudited,
  setExerciseStateAudited,
  setLessonStateAudited,
} from './instructor-actions';
import { createCourse, lessonVersions } from './lessons';
import type { ProofEvent } from './proof-events';

const root = path.resolve(__dirname, '..', '..');
const text = (en: string) => ({ title: { en, 'zh-CN': `${en}（中文）` }, body: { en: `# ${en}`, 'zh-CN': `# ${en}（中文）` } });
const proof = (passed: boolean): ProofEvent[] => [{ type: 'done', passed, problems: passed ? [] : ['check pod-exists passed before the solution'], seconds: 3 }];

describe('instructor actions in the audit log', () => {
  let tmp: string;
  let db: Db;
  let actor: { id: string; email: string; role: string };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-instructor-audit-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    const user = await db.user.create({ data: { email: 'ines@example.test', name: 'Ines', passwordHash: 'x', role: 'instructor' } });
    actor = { id: user.id, email: user.email, role: user.role };
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The rows recorded since `since`, oldest first, as [action, target, detail]. */
  const rowsSince = async (since: number) =>
    (await db.auditEvent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).slice(since).map((e) => {
      expect(e).toMatchObject({ actorId: actor.id, actorEmail: 'ines@example.test', actorRole: 'instructor' });
      expect(Date.now() - e.createdAt.getTime()).toBeLessThan(60_000);
      return [e.action, e.target, e.detail];
    });

  it('records every lesson and exercise change with who, what, when and from where', async () => {
    const course = await createCourse(db, { slug: 'audited', title: { en: 'Audited', 'zh-CN': '审计' }, summary: { en: 'Logged', 'zh-CN': '记录' } });
    const lesson = await createLessonAudited(db, actor, { courseId: course.id, slug: 'watched', ...text('One') });
    await saveLessonAudited(db, actor, { lessonId: lesson.id, ...text('Two'), baseRevision: 1 });
    const v1 = (await lessonVersions(db, lesson.id)).find((v) => v.version === 1)!;
    await restoreLessonAudited(db, actor, { lessonId: lesson.id, versionId: v1.id, baseRevision: 2 });
    await setLessonStateAudited(db, actor, lesson.id, 'publish');
    await setLessonStateAudited(db, actor, lesson.id, 'unpublish');

    const yaml = exerciseYaml('audited-pod', 'web');
    const exercise = await createExerciseAudited(db, actor, { lessonId: lesson.id, yaml });
    const saved = await saveExerciseAudited(db, actor, { exerciseId: exercise.id, yaml: exerciseYaml('audited-pod', 'api'), baseRevision: 1 });
    const failed = await recordProofAudited(db, actor, { exercise, yaml: exerciseYaml('audited-pod', 'api'), events: proof(false), ip: '203.0.113.7' });
    await recordProofAudited(db, actor, { exercise, yaml: exerciseYaml('audited-pod', 'api'), events: proof(true), ip: '203.0.113.7' });
    await setExerciseStateAudited(db, actor, exercise.id, 'publish');
    const version = await db.exerciseVersion.findFirstOrThrow({ where: { exerciseId: exercise.id } });
    await setExerciseStateAudited(db, actor, exercise.id, 'unpublish');
    await restoreExerciseAudited(db, actor, { exerciseId: exercise.id, versionId: version.id, baseRevision: saved.revision });
    expect(await setExerciseStateAudited(db, actor, exercise.id, 'archive')).toEqual({ state: 'archived' });
    expect(await db.exercise.findUniqueOrThrow({ where: { id: exercise.id } })).toMatchObject({ archived: true });

    expect(await rowsSince(0)).toEqual([
      ['lesson.create', 'audited/watched', { revision: 1 }],
      ['lesson.save', 'audited/watched', { revision: 2 }],
      ['lesson.restore', 'audited/watched', { restored: 1, revision: 3 }],
      ['lesson.publish', 'audited/watched', { revision: 3 }],
      ['lesson.unpublish', 'audited/watched', { revision: 3 }],
      ['exercise.create', 'audited-pod', { revision: 1 }],
      ['exercise.save', 'audited-pod', { revision: 2, hash: saved.hash, valid: true }],
      ['exercise.prove', 'audited-pod', { passed: false, hash: failed.yamlHash, problems: ['check pod-exists passed before the solution'] }],
      ['exercise.prove', 'audited-pod', { passed: true, hash: failed.yamlHash }],
      ['exercise.publish', 'audited-pod', { version: 1, contentHash: version.contentHash }],
      ['exercise.unpublish', 'audited-pod', null],
      ['exercise.restore', 'audited-pod', { restored: 1, revision: 3 }],
      ['exercise.archive', 'audited-pod', null],
    ]);
    // From where: the proof's peer address as the route read it; outside a request there is none.
    const ips = await db.auditEvent.findMany({ where: { action: 'exercise.prove' }, select: { ip: true } });
    expect(ips).toEqual([{ ip: '203.0.113.7' }, { ip: '203.0.113.7' }]);
    expect(await db.auditEvent.count({ where: { action: 'lesson.save', ip: null } })).toBe(1);
  });

  it('records imports (what came in) and exports, and nothing for a refused action', async () => {
    const lesson = await db.lesson.findFirstOrThrow({ where: { slug: 'watched' } });
    const before = await db.auditEvent.count();
    const stale = await saveLessonAudited(db, actor, { lessonId: lesson.id, ...text('Late'), baseRevision: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(AuthoringError);
    const exercise = await db.exercise.findUniqueOrThrow({ where: { ref: 'audited-pod' } });
    const notPublished = await setExerciseStateAudited(db, actor, exercise.id, 'unpublish').catch((e: unknown) => e);
    expect(notPublished).toMatchObject({ code: 'NOT_PUBLISHED' });
    expect(await saveExerciseAudited(db, actor, { exerciseId: exercise.id, yaml: exerciseYaml('audited-pod', 'x'), baseRevision: 1 }).catch((e: unknown) => e)).toMatchObject({ code: 'CONFLICT' });
    expect(await db.auditEvent.count()).toBe(before);

    const summary = await importAudited(db, actor, zipSync({ 'imported-pod.yaml': strToU8(exerciseYaml('imported-pod', 'db')) }), lesson.id);
    const exported = await exportAudited(db, actor, path.join(tmp, 'no-files'), { exercise: summary.kind === 'exercise' ? summary.id : '' });
    expect(Object.keys(exported.files)).toEqual(['audited/watched/imported-pod.yaml']);
    expect(await rowsSince(before)).toEqual([
      ['content.import', 'imported-pod', { kind: 'exercise', exercise: 'imported-pod', id: summary.kind === 'exercise' ? summary.id : '' }],
      ['content.export', 'imported-pod', { kind: 'exercise', files: ['audited/watched/imported-pod.yaml'] }],
    ]);
  });

  it('names every audit action in English and Chinese', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const names = adminCatalogues[locale].audit.actions as Record<string, string>;
      expect(Object.keys(names).sort()).toEqual([...AUDIT_ACTIONS].sort());
      for (const action of AUDIT_ACTIONS) expect(names[action], `${locale} ${action}`).not.toBe(action);
    }
    expect(adminCatalogues['zh-CN'].audit.actions['lesson.restore']).toBe('恢复课时版本');
  });
});

