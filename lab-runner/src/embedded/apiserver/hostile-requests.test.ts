// Requests the fuzzer (src/fuzz/) found mishandled, each kept as a regression: the API server
// must answer them with a Kubernetes Status of the right code, never a 500, and keep serving.

import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStatusBody } from '../../fuzz/oracle.js';
import { createEmbeddedClusterHost } from '../host.js';
import { yamlNestingBound } from './yaml-body.js';
import type { EmbeddedCluster, EmbeddedClusterHost } from '../host-contract.js';

let dir: string;
let host: EmbeddedClusterHost;
let cluster: EmbeddedCluster;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-hostile-'));
  host = createEmbeddedClusterHost({ stateDir: dir, port: 0, kubeletFactory: null, storage: 'memory' });
  await host.start();
  cluster = await host.createCluster('hostile');
});

afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `request` as it is on the cluster's socket and returns the answer's status and parsed body. */
function raw(request: string): Promise<{ status: number; body: unknown; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(cluster.socketPath);
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // left as text: the assertion shows it
      }
      resolve({ status, body: parsed, head });
    });
    socket.end(request);
  });
}

function send(method: string, p: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: unknown; head: string }> {
  return raw(`${method} ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function expectStatus(reply: { status: number; body: unknown }, code: number, reason: string): void {
  expect(reply.status).toBe(code);
  expect(checkStatusBody(reply.body, code)).toEqual({ ok: true });
  expect(reply.body).toMatchObject({ reason });
}

describe('hostile streaming upgrades', () => {
  it('answers a malformed percent-escape in the namespace or Pod name of exec/attach/portforward with 400, not 500', async () => {
    for (const p of ['/api/v1/namespaces/%E0%A4%A/pods/x/exec?command=true&stdout=true', '/api/v1/namespaces/default/pods/%zz/attach?stdout=true', '/api/v1/namespaces/default/pods/%C0/portforward?ports=80']) {
      const reply = await raw(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`);
      expectStatus(reply, 400, 'BadRequest');
    }
    expectStatus(await raw('GET /api/v1/namespaces/default/pods/none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 404, 'NotFound');
  });
});

describe('hostile field and resource names', () => {
  it('treats `constructor`, `toString` and `__proto__` as unknown fields, not as inherited functions', async () => {
    const event = (extra: string) =>
      `{"apiVersion":"v1","kind":"Event","metadata":{"name":"e${Math.random().toString(36).slice(2, 8)}"},"involvedObject":{"kind":"Pod","name":"x",${extra}},"reason":"R","message":"m"}`;
    expectStatus(await send('POST', '/api/v1/namespaces/default/events?fieldValidation=Strict', event('"constructor":false')), 400, 'BadRequest');
    expect((await send('POST', '/api/v1/namespaces/default/events?fieldValidation=Strict', event('"toString":1'))).body).toMatchObject({ message: expect.stringContaining('unknown field "involvedObject.toString"') });
    const created = await send('POST', '/api/v1/namespaces/default/events', event('"constructor":false,"__proto__":{"x":1}'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ involvedObject: { kind: 'Pod', name: 'x' } });
    expect(Object.keys((created.body as { involvedObject: object }).involvedObject)).toEqual(['kind', 'name']);

    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'proto' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    expect((await send('POST', '/api/v1/namespaces/default/pods', pod)).status).toBe(201);
    const patched = await send('PATCH', '/api/v1/namespaces/default/pods/proto', '{"spec":{"constructor":{"x":1},"containers":[{"name":"c","hasOwnProperty":2}]}}', 'application/strategic-merge-patch+json');
    expect(patched.status).toBe(200);
  });

  it('escapes unknown field names beyond ASCII in the Warning header instead of answering 500 (found by the fuzzer)', async () => {
    const reply = await send('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"},"日本":1,"a\\u0000b":2}');
    expect(reply.status).toBe(201);
    expect(reply.head).toContain('Warning: 299 - "unknown field \\"\\u65e5\\u672c\\""');
  });

  it('answers resource and document names that are Object.prototype members with 404', async () => {
    for (const p of ['/api/v1/constructor', '/api/v1/namespaces/default/__proto__', '/api/v1/toString/x', '/openapi/v3/constructor', '/openapi/v3/__proto__']) {
      expectStatus(await raw(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 404, 'NotFound');
    }
  });
});

describe('hostile Pods', () => {
  it('answers a Pod without a spec, or with an empty one, with 422 Invalid (spec.containers required), not 500', async () => {
    for (const body of ['{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare"}}', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare"},"spec":{}}', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare"},"spec":null}']) {
      const reply = await send('POST', '/api/v1/namespaces/default/pods', body);
      expectStatus(reply, 422, 'Invalid');
      expect(reply.body).toMatchObject({ message: expect.stringContaining('spec.containers: Required value') });
    }
  });
});

describe('hostile YAML', () => {
  it('turns YAML 1.1 types into JSON and refuses what JSON cannot say with 400, never 500', async () => {
    for (const body of ['!!binary aGVsbG8=\n', '&a [*a]\n', 'kind: Pod\nmetadata: !!binary aGVsbG8=\n', 'a: &a [x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b]\n']) {
      const reply = await send('POST', '/api/v1/namespaces/default/pods', body, 'application/yaml');
      expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
      expect(reply.status, `${body}: ${JSON.stringify(reply.body)}`).toBeLessThan(500);
      expect(checkStatusBody(reply.body, reply.status)).toEqual({ ok: true });
    }
    const dated = await send('POST', '/api/v1/namespaces/default/configmaps', '%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dated\n  annotations:\n    when: !!str 2001-12-14\ndata:\n  when: "2001-12-14"\n', 'application/yaml');
    expect(dated.status, JSON.stringify(dated.body)).toBe(201);
    expect(dated.body).toMatchObject({ data: { when: '2001-12-14' } });
  });

  it('refuses YAML nested deeper than 256 levels at once with 400 instead of stalling the runner in the parser (found by the fuzzer)', async () => {
    const deep = [`a: ${'['.repeat(100_000)}1${']'.repeat(100_000)}\n`, `a:\n${'- '.repeat(2000)}x\n`, Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n', `a: [${'"]", ['.repeat(5000)}]\n`];
    for (const body of deep) {
      const reply = await send('PATCH', '/api/v1/namespaces/default/pods/proto?fieldManager=fuzz', body, 'application/apply-patch+yaml');
      expectStatus(reply, 400, 'BadRequest');
      // The refusal comes from the scan, before the parser ever sees the document.
      expect(reply.body).toMatchObject({ message: 'error converting YAML to JSON: yaml: exceeded max depth of 256' });
    }
    expect(yamlNestingBound('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    args: [a, {b: c}]\n')).toBeLessThan(10);
    // kubectl's server-side apply sends JSON under the YAML content type: deep JSON is JSON's business.
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'proto', labels: { deep: 'no' } } });
    expect((await send('PATCH', '/api/v1/namespaces/default/pods/proto?fieldManager=fuzz&force=true', json, 'application/apply-patch+yaml')).status).toBe(200);
  });
});
