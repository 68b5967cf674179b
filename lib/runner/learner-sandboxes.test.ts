// The per-account sandbox creation limit, on a real SQLite database and a real HTTP runner
// endpoint: a refused creation never reaches the runner and answers with how long to wait.
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Exercise } from '@kubelab/exercise-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREATIONS } from '../abuse-limits';
import { createDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrate';
import { RateLimiter } from '../rate-limit';
import { RunnerClientError } from './client';
import { SandboxCreationThrottled, openSandbox } from './learner-sandboxes';
import { RunnerRegistry } from './runner-registry';

const root = path.resolve(__dirname, '..', '..');

describe('openSandbox under the creation limit', () => {
  let tmp: string;
  let db: Db;
  let server: Server;
  let runner: RunnerRegistry;
  const creates: string[] = [];
  let userId: string;
  // A repository exercise: the runner is given its ref, never the spec.
  const exercise = { id: '', ref: 'first-pod', origin: 'files', versionId: '', spec: {} as Exercise };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-sandbox-limit-'));
    const target = { kind: 'sqlite' as const, file: path.join(tmp, 'kubelab.db') };
    await applyMigrations(target, root);
    db = createDb(target);
    const course = await db.course.create({ data: { slug: 'pods', title: { en: 'Pods', 'zh-CN': 'Pod' }, summary: { en: 's', 'zh-CN': 's' } } });
    const lesson = await db.lesson.create({ data: { courseId: course.id, slug: 'l', title: { en: 'l', 'zh-CN': 'l' }, body: { en: '', 'zh-CN': '' }, position: 1 } });
    exercise.id = (await db.exercise.create({ data: { ref: 'first-pod', slug: 'first-pod', lessonId: lesson.id, title: { en: 'e', 'zh-CN': 'e' }, position: 1 } })).id;
    userId = (await db.user.create({ data: { email: 'l@example.test', name: 'L', passwordHash: 'x' } })).id;
    // A runner that says it has room but refuses every create as full, so every call is a new create.
    server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/v1/capacity')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', provider: 'embedded', maxSandboxes: 5, used: 0, free: 5 }));
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/sandboxes') creates.push(req.url);
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'at_capacity', message: 'the runner is full' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Checked before every placement (interval 0): each open asks the runner's capacity afresh.
    runner = new RunnerRegistry([{ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'test-token-0123456789' }], 0);
  });

  afterAll(async () => {
    await db.$disconnect();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lets SANDBOX_CREATIONS.limit creations through in the window, then refuses without calling the runner', async () => {
    const limiter = new RateLimiter(SANDBOX_CREATIONS);
    const admit = () => limiter.take(userId);
    for (let i = 0; i < SANDBOX_CREATIONS.limit; i++) {
      await expect(openSandbox(db, runner, userId, exercise, admit)).rejects.toMatchObject({ code: 'at_capacity' });
    }
    expect(creates).toHaveLength(SANDBOX_CREATIONS.limit);
    const refused = await openSandbox(db, runner, userId, exercise, admit).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SandboxCreationThrottled);
    expect(refused).not.toBeInstanceOf(RunnerClientError);
    expect((refused as SandboxCreationThrottled).retryAfterMs).toBeGreaterThan(SANDBOX_CREATIONS.windowMs - 60_000);
    expect(creates).toHaveLength(SANDBOX_CREATIONS.limit);
    // Another account is not held back by this one.
    expect(limiter.take('someone-else').allowed).toBe(true);
  });
});
