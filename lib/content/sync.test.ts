// The content sync against a real SQLite file with the committed migrations: first sync, the
// no-change fast path, a changed exercise (new version, old attempts keep theirs), and removed
// content archived, never deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { ContentSyncError, syncContentFromDir } from './load-and-sync';

const root = path.resolve(__dirname, '..', '..');

function exerciseYaml(id: string, podName: string): string {
  return `id: ${id}
title: { zh-CN: 练习 ${id}, en: Exercise ${id} }
description: { zh-CN: 创建 Pod, en: Create a Pod }
difficulty: beginner
estimatedMinutes: 5
tasks: { zh-CN: 创建 Pod ${podName}, en: Create the Pod ${podName} }
checks:
  - id: pod-exists
    kind: podExists
    params: { pod: ${podName} }
    title: { zh-CN: Pod 存在, en: The Pod exists }
    failureMessage: { zh-CN: "没有 {pod}：{observed}", en: "No {pod}: {observed}" }
    hints:
      - { zh-CN: 用 kubectl run, en: Use kubectl run }
solution:
  commands: ["kubectl run ${podName} --image=busybox -- sleep 3600"]
  explanation: { zh-CN: 这样做, en: Like this }
`;
}

function writeCourse(dir: string, exercises: Record<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const lessonDir = path.join(dir, 'demo', 'basics');
  fs.mkdirSync(lessonDir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'demo', 'course.yaml'),
    'id: demo\ntitle: { zh-CN: 演示, en: Demo }\ndescription: { zh-CN: 演示课程, en: A demo course }\nlessons: [basics]\n',
  );
  fs.writeFileSync(
    path.join(lessonDir, 'lesson.yaml'),
    `id: basics\ntitle: { zh-CN: 基础, en: Basics }\norder: 1\nexercises: [${Object.keys(exercises).join(', ')}]\n`,
  );
  fs.writeFileSync(path.join(lessonDir, 'lesson.en.md'), '# Basics\n\nA Pod is a group of containers.\n');
  fs.writeFileSync(path.join(lessonDir, 'lesson.zh-CN.md'), '# 基础\n\nPod 是一组容器。\n');
  for (const [id, pod] of Object.entries(exercises)) fs.writeFileSync(path.join(lessonDir, `${id}.yaml`), exerciseYaml(id, pod));
}

describe('content sync on SQLite', () => {
  let tmp: string;
  let contentDir: string;
  let db: Db;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-content-'));
    contentDir = path.join(tmp, 'exercises');
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
  });

  afterAll(async () => {
    await db?.$disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates courses, lessons, exercises and their first versions, then does nothing when unchanged', async () => {
    writeCourse(contentDir, { 'make-pod': 'web', 'second-pod': 'db' });
    const first = await syncContentFromDir(db, contentDir);
    expect(first).toMatchObject({ changed: true, courses: 1, lessons: 1, exercises: 2, archived: [] });
    expect(first.newVersions.sort()).toEqual(['make-pod', 'second-pod']);

    const lesson = await db.lesson.findFirstOrThrow({ where: { slug: 'basics' }, include: { course: true } });
    expect(lesson.course.slug).toBe('demo');
    expect(lesson.body).toEqual({ en: '# Basics\n\nA Pod is a group of containers.\n', 'zh-CN': '# 基础\n\nPod 是一组容器。\n' });
    const exercise = await db.exercise.findUniqueOrThrow({ where: { ref: 'make-pod' }, include: { currentVersion: true } });
    expect(exercise.currentVersion?.version).toBe(1);
    expect((exercise.currentVersion?.spec as { checks: { params: { pod: string } }[] }).checks[0]?.params.pod).toBe('web');

    const again = await syncContentFromDir(db, contentDir);
    expect(again).toMatchObject({ changed: false, hash: first.hash, courses: 0, newVersions: [] });
    // Touching a file without changing what it means re-reads the files but writes nothing new.
    fs.appendFileSync(path.join(contentDir, 'demo', 'course.yaml'), '# a comment\n');
    const reread = await syncContentFromDir(db, contentDir);
    expect(reread.newVersions).toEqual([]);
    expect(await db.exerciseVersion.count()).toBe(2);
  });

  it('gives a changed exercise a new version and keeps the attempts and progress on the old one', async () => {
    const user = await db.user.create({ data: { email: 'lin@example.test', name: 'Lin', passwordHash: 'x' } });
    const exercise = await db.exercise.findUniqueOrThrow({ where: { ref: 'make-pod' } });
    const oldVersionId = exercise.currentVersionId!;
    const attempt = await db.attempt.create({
      data: { userId: user.id, exerciseVersionId: oldVersionId, passed: true, points: 1, results: { create: [{ checkId: 'pod-exists', passed: true, points: 1, message: 'ok' }] } },
    });
    await db.progress.create({ data: { userId: user.id, exerciseId: exercise.id, status: 'passed', points: 1 } });

    writeCourse(contentDir, { 'make-pod': 'web-v2', 'second-pod': 'db' });
    const summary = await syncContentFromDir(db, contentDir);
    expect(summary.newVersions).toEqual(['make-pod']);

    const after = await db.exercise.findUniqueOrThrow({ where: { ref: 'make-pod' }, include: { versions: { orderBy: { version: 'asc' } } } });
    expect(after.id).toBe(exercise.id);
    expect(after.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(after.currentVersionId).toBe(after.versions[1]?.id);
    const kept = await db.attempt.findUniqueOrThrow({ where: { id: attempt.id }, include: { results: true } });
    expect(kept.exerciseVersionId).toBe(oldVersionId);
    expect(kept.results).toHaveLength(1);
    expect(await db.progress.findUniqueOrThrow({ where: { userId_exerciseId: { userId: user.id, exerciseId: exercise.id } } })).toMatchObject({ status: 'passed', points: 1 });

    // Going back to the first content reuses version 1 instead of making a third.
    writeCourse(contentDir, { 'make-pod': 'web', 'second-pod': 'db' });
    const back = await syncContentFromDir(db, contentDir);
    expect(back.newVersions).toEqual([]);
    expect((await db.exercise.findUniqueOrThrow({ where: { ref: 'make-pod' } })).currentVersionId).toBe(oldVersionId);
  });

  it('archives an exercise removed from the files and brings it back when it returns', async () => {
    writeCourse(contentDir, { 'second-pod': 'db' });
    const summary = await syncContentFromDir(db, contentDir);
    expect(summary.archived).toEqual(['make-pod']);
    const archived = await db.exercise.findUniqueOrThrow({ where: { ref: 'make-pod' } });
    expect(archived.archived).toBe(true);
    expect(await db.attempt.count({ where: { exerciseVersion: { exerciseId: archived.id } } })).toBe(1);

    writeCourse(contentDir, { 'make-pod': 'web', 'second-pod': 'db' });
    await syncContentFromDir(db, contentDir);
    expect((await db.exercise.findUniqueOrThrow({ where: { ref: 'make-pod' } })).archived).toBe(false);
  });

  it('refuses invalid content with a located error and writes nothing', async () => {
    const before = await db.setting.findUniqueOrThrow({ where: { key: 'content.hash' } });
    fs.writeFileSync(path.join(contentDir, 'demo', 'basics', 'make-pod.yaml'), 'id: make-pod\ntitle: 3\n');
    const error = await syncContentFromDir(db, contentDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentSyncError);
    expect((error as ContentSyncError).code).toBe('CONTENT_INVALID');
    expect((error as Error).message).toContain('make-pod.yaml');
    expect((await db.setting.findUniqueOrThrow({ where: { key: 'content.hash' } })).value).toBe(before.value);
    await expect(syncContentFromDir(db, path.join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'CONTENT_DIR_MISSING' });
  });
});
