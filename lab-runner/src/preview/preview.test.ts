// Web previews through the real runner, the sandbox's real API server (pods/portforward),
// the real kubelet and a busybox httpd in a real Pod on Podman: the learner who opened a
// preview sees their page; nobody else, no used link and no ended sandbox does.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_EXERCISE, RunnerFixture } from '../server/testing/runner-fixture.js';

let fixture: RunnerFixture;
let mine: { id: string };
let theirs: { id: string };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to a preview origin: connects to the runner on loopback and names the preview host. */
function fetchPreview(url: string, options: { cookie?: string; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(target.port),
        method: options.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const WEB_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'site' },
  spec: {
    containers: [
      {
        name: 'httpd',
        image: 'busybox',
        command: [
          'sh',
          '-c',
          // A CGI script shows what reached the Pod: the cookies, the Host and the body.
          `mkdir -p /www/cgi-bin && echo "<h1>hello from my Pod</h1>" > /www/index.html && printf '#!/bin/sh\\necho "Content-Type: text/plain"\\necho\\necho "cookie=$HTTP_COOKIE"\\necho "host=$HTTP_HOST"\\necho "body=$(head -c $CONTENT_LENGTH)"\\n' > /www/cgi-bin/echo && chmod +x /www/cgi-bin/echo && exec httpd -f -p 8080 -h /www`,
        ],
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
      },
    ],
  },
};

async function runningSite(sandboxId: string): Promise<void> {
  const { core } = await fixture.runner.sandboxes!.kubeClients(sandboxId);
  await core.createNamespacedPod({ namespace: 'default', body: WEB_POD as never });
  for (;;) {
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'site' });
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function openPreview(sandboxId: string, owner: string, port = 8080): Promise<{ url: string; cookie: string; origin: string }> {
  const issued = await fixture.api('POST', `/v1/sandboxes/${sandboxId}/previews`, { owner, pod: 'site', port });
  expect(issued.status).toBe(201);
  const url = issued.json.url as string;
  const opened = await fetchPreview(url);
  expect(opened.status).toBe(303);
  const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
  return { url, cookie, origin: new URL(url).origin };
}

beforeAll(async () => {
  fixture = await RunnerFixture.start();
  mine = await fixture.createSandbox('learner-a', DRAFT_EXERCISE);
  theirs = await fixture.createSandbox('learner-b', DRAFT_EXERCISE);
  await Promise.all([runningSite(mine.id), runningSite(theirs.id)]);
});

afterAll(async () => {
  await fixture?.destroy();
});

describe('web previews', () => {
  it('shows the learner the page their Pod serves, on an origin of its own, after a one-use ticket', async () => {
    const issued = await fixture.api('POST', `/v1/sandboxes/${mine.id}/previews`, { owner: 'learner-a', pod: 'site', port: 8080 });
    expect(issued.status).toBe(201);
    const url = new URL(issued.json.url);
    expect(url.hostname).toMatch(/^[a-z0-9]{24}\.preview\.localhost$/);
    expect(url.port).toBe(String(fixture.runner.port));
    expect(url.hostname).not.toContain(mine.id);

    // Before the ticket is redeemed the page is private.
    const early = await fetchPreview(url.origin);
    expect(early.status).toBe(403);
    expect(early.body).toContain('This preview is private');

    const opened = await fetchPreview(url.href);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toMatch(/^kubelab_preview=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie.split(';')[0]!;

    const page = await fetchPreview(url.origin, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>hello from my Pod</h1>');
    // The same Pod answers the paths it does not have itself.
    expect((await fetchPreview(`${url.origin}/nope.html`, { cookie })).status).toBe(404);

    // The link cannot be used twice (a leaked link opens nothing).
    const again = await fetchPreview(url.href);
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('keeps one learner out of another learner\'s preview, whatever cookie or host they try', async () => {
    const a = await openPreview(mine.id, 'learner-a');
    const b = await openPreview(theirs.id, 'learner-b');
    expect(a.origin).not.toBe(b.origin);
    expect((await fetchPreview(a.origin, { cookie: b.cookie })).status).toBe(403);
    expect((await fetchPreview(b.origin, { cookie: a.cookie })).status).toBe(403);
    expect((await fetchPreview(a.origin, { cookie: 'kubelab_preview=' })).status).toBe(403);
    // The same Pod and port give the same origin again (bookmarks keep working).
    expect((await openPreview(mine.id, 'learner-a')).origin).toBe(a.origin);
    // The service API refuses previews of a sandbox that is not the owner's, and without the token.
    expect((await fixture.api('POST', `/v1/sandboxes/${mine.id}/previews`, { owner: 'learner-b', pod: 'site', port: 8080 })).status).toBe(403);
    const anonymous = await fetch(`${fixture.url}/v1/sandboxes/${mine.id}/previews`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(anonymous.status).toBe(401);
    // A host that only looks like a preview is not one.
    expect((await fetchPreview(`http://${'a'.repeat(24)}.preview.localhost:${fixture.runner.port}/`)).status).toBe(403);
    expect((await fetchPreview(`http://evil.preview.localhost:${fixture.runner.port}/healthz`)).status).toBe(200);
    // A preview page cannot open a WebSocket on its own origin (shells live on the runner's).
    const upgrade = await fetchPreview(`${a.origin}/v1/sandboxes/${mine.id}/shell?ticket=x`, {
      cookie: a.cookie,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    expect(upgrade.status).toBe(404);
  });

  it('relays request bodies and the app\'s own cookies, never the preview secret', async () => {
    const a = await openPreview(mine.id, 'learner-a');
    const post = await fetchPreview(`${a.origin}/cgi-bin/echo`, { cookie: `theme=dark; ${a.cookie}`, method: 'POST', body: 'x=1&y=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.status, post.body).toBe(200);
    expect(post.body).toContain('body=x=1&y=2');
    expect(post.body).toContain('cookie=theme=dark\n');
    expect(post.body).toContain('host=localhost:8080');
    expect(post.body).not.toContain(a.cookie.split('=')[1]);
  });

  it('says clearly when nothing listens on the port, and rejects bad targets', async () => {
    const closed = await openPreview(mine.id, 'learner-a', 9999);
    const answer = await fetchPreview(closed.origin, { cookie: closed.cookie });
    expect(answer.status).toBe(502);
    expect(answer.body).toContain('Nothing answers on port 9999 in Pod site');
    const badPort = await fixture.api('POST', `/v1/sandboxes/${mine.id}/previews`, { owner: 'learner-a', pod: 'site', port: 70000 });
    expect(badPort.status).toBe(400);
    const badPod = await fixture.api('POST', `/v1/sandboxes/${mine.id}/previews`, { owner: 'learner-a', pod: '../x', port: 80 });
    expect(badPod.status).toBe(400);
  });

  it('closes the preview when the sandbox ends', async () => {
    const b = await openPreview(theirs.id, 'learner-b');
    expect((await fetchPreview(b.origin, { cookie: b.cookie })).status).toBe(200);
    expect((await fixture.api('DELETE', `/v1/sandboxes/${theirs.id}?owner=learner-b`)).status).toBe(200);
    expect((await fetchPreview(b.origin, { cookie: b.cookie })).status).toBe(403);
  });
});
