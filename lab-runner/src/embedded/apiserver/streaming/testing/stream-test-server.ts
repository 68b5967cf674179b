// A minimal API server for driving real kubectl against the streaming module: legacy
// discovery, /version, GET of any pod (Running, one container `app`), and the exec / attach /
// portforward upgrades routed to serveStreamUpgrade. Sessions are host processes run in
// `workDir`; every forwarded port goes to `echoPort`. Pod names select behaviour:
//   `broken-*`: start()/connect() throws a StatusError, as a kubelet does for a waiting container.
// Enough of create / list / watch / delete for `kubectl run -it --rm`: created pods are Running at
// once, a watch sends ADDED and stays open, a deleted pod is 404 afterwards.
// Every upgrade is recorded (pod, subresource, upgrade kind, negotiated protocol, user agent).

import { appendFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { StreamOptions, TerminalSize } from '../../../node-contract.js';
import { badRequest } from '../../../status-error.js';
import { isStreamUpgrade, serveStreamUpgrade } from '../index.js';
import { hostProcessSession } from './host-process-session.js';

/** Shell that waits (up to 10 s) until `file` exists and is not empty. */
export function waitForFile(file: string): string {
  return `for i in $(seq 200); do [ -s ${file} ] && break; sleep 0.05; done`;
}

export interface RecordedUpgrade {
  pod: string;
  subresource: string;
  upgrade: string;
  offered: string;
  userAgent: string;
}

export interface StreamTestServer {
  url: string;
  upgrades: RecordedUpgrade[];
  resizes: Map<string, TerminalSize[]>;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, code: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
};

function podJson(namespace: string, name: string) {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: 'node', containers: [{ name: 'app', image: 'busybox', stdin: true, tty: true }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
    },
  };
}

function notFoundStatus(name: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${name}" not found`, reason: 'NotFound', details: { name, kind: 'pods' }, code: 404 };
}

const resourceList = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'] },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
  ],
};

function streamOptions(query: URLSearchParams): StreamOptions {
  const flag = (name: string) => query.get(name) === 'true' || query.get(name) === '1';
  return { container: query.get('container') ?? 'app', stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

export async function startStreamTestServer(workDir: string, echoPort: number): Promise<StreamTestServer> {
  const upgrades: RecordedUpgrade[] = [];
  const resizes = new Map<string, TerminalSize[]>();
  const created = new Map<string, Record<string, unknown>>();
  const deleted = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (path === '/api/v1') return json(res, 200, resourceList);
    if (path === '/version') {
      return json(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64', goVersion: 'go1.24', compiler: 'gc' });
    }
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
    if (pod && req.method === 'GET') {
      if (deleted.has(pod[2]!)) return json(res, 404, notFoundStatus(pod[2]!));
      return json(res, 200, created.get(pod[2]!) ?? podJson(pod[1]!, pod[2]!));
    }
    if (pod && req.method === 'DELETE') {
      deleted.add(pod[2]!);
      return json(res, 200, created.get(pod[2]!) ?? podJson(pod[1]!, pod[2]!));
    }
    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path);
    if (pods && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const manifest = JSON.parse(body) as { metadata: { name: string }; spec: Record<string, unknown> };
        const running = podJson(pods[1]!, manifest.metadata.name);
        const stored = { ...running, spec: { ...manifest.spec, nodeName: 'node' } };
        created.set(manifest.metadata.name, stored);
        json(res, 201, stored);
      });
      return;
    }
    if (pods && req.method === 'GET') {
      const name = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
      const items = name && !deleted.has(name) && created.has(name) ? [created.get(name)] : [];
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        for (const item of items) res.write(`${JSON.stringify({ type: 'ADDED', object: item })}\n`);
        return; // stays open until kubectl closes it
      }
      return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });
    }
    json(res, 404, { ...notFoundStatus(''), message: 'the server could not find the requested resource', details: undefined });
  });
  const upgraded = new Set<net.Socket>();
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/(exec|attach|portforward)$/.exec(url.pathname);
    if (!match || !isStreamUpgrade(req)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [, podName, subresource] = match as unknown as [string, string, 'exec' | 'attach' | 'portforward'];
    upgrades.push({
      pod: podName,
      subresource,
      upgrade: (req.headers.upgrade ?? '').toLowerCase(),
      offered: String(req.headers['sec-websocket-protocol'] ?? req.headersDistinct['x-stream-protocol-version']?.join(',') ?? ''),
      userAgent: req.headers['user-agent'] ?? '',
    });
    const broken = podName.startsWith('broken');
    const waiting = () => badRequest(`container "app" in pod "${podName}" is waiting to start: ContainerCreating`);
    // Resizes are also written to `resize-<pod>` in the work dir, so a command can wait for one.
    const resizeFile = `resize-${podName.replace(/[^a-z0-9.-]/g, '')}`;
    const onResize = (size: TerminalSize) => {
      resizes.set(podName, [...(resizes.get(podName) ?? []), size]);
      appendFileSync(path.join(workDir, resizeFile), `${size.width}x${size.height}\n`);
    };
    if (subresource === 'portforward') {
      const ports = url.searchParams.getAll('ports').flatMap((p) => p.split(',')).map(Number).filter((p) => p > 0);
      serveStreamUpgrade(req, socket, head, {
        kind: 'portforward',
        ports,
        connect: async (port) => {
          if (broken) throw waiting();
          const connection = net.connect(echoPort, '127.0.0.1');
          await new Promise<void>((resolve, reject) => connection.once('connect', resolve).once('error', reject));
          void port;
          return connection;
        },
      });
      return;
    }
    const options = streamOptions(url.searchParams);
    const command =
      subresource === 'exec'
        ? url.searchParams.getAll('command')
        : options.tty
          ? ['sh', '-c', `${waitForFile(resizeFile)}; IFS= read -r line; echo "got:$line"; echo "size:$(head -n1 ${resizeFile})"`]
          : ['cat'];
    serveStreamUpgrade(req, socket, head, {
      kind: subresource,
      options,
      start: async () => {
        if (broken) throw waiting();
        return hostProcessSession(command, options, workDir, onResize);
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    resizes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP echo server on 127.0.0.1 standing in for a pod's listening port. */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
