// A stand-in for the `kind` CLI (test support: the real kind and its node images cannot be had
// without a registry). It implements the subset the kind provider uses, with kind's flags,
// labels and output shapes:
//   kind create cluster --name N [--image I] [--config F] [--wait D] [--kubeconfig P] [--retain]
//   kind delete cluster --name N
//   kind get clusters
//   kind get kubeconfig --name N [--internal]
//   kind load image-archive FILE --name N
// Its node is a real container on the Docker Engine (DOCKER_HOST) that serves a real embedded
// cluster (standin-node.ts); only Kubernetes itself is not kind's. kind puts its nodes on a
// `kind` bridge network and publishes the API port on the host's loopback; this engine runs
// with --bridge=none (and a bridge network would add a host interface), so the cluster's
// network is a network namespace held by a `<name>-network` container, which the node and the
// toolbox join; a port-proxy container (`<name>-external-load-balancer`, socat on the host's
// loopback) stands in for the published port; --internal answers the namespace's loopback.
//
// Test knob: KIND_STANDIN_API=unreachable leaves the published API port unconnected, so the
// node is never seen Ready. KIND_STANDIN_STATE_DIR: where the nodes' host directories live.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Dockerode from 'dockerode';
import { parse, stringify } from 'yaml';
import { engineSocket } from '../../../engine-check.js';
import { forceRemoveContainer } from '../../../engines/remove-container.js';
import { removeSandboxCgroup } from '../../../embedded/kubelet/sandbox-cgroup.js';
import { IMAGES } from '../../../images/index.js';
import { KIND_LABEL_CLUSTER, KIND_LABEL_ROLE, NODE_ROOT_LABEL, nodeName } from '../kind-labels.js';
import { ensureStandinNodeImage, REPO_ROOT, STANDIN_API_PORT as API_PORT, STANDIN_NODE_IMAGE } from './node-image.js';

const socketPath = engineSocket();
const docker = new Dockerode({ socketPath });
const stateBase = process.env.KIND_STANDIN_STATE_DIR ?? path.join(os.tmpdir(), 'kubelab-kind-standin');
const PORT_LABEL = 'io.kubelab.kind-standin.api-port';

class KindError extends Error {}

const status = (line: string) => process.stderr.write(`${line}\n`);

function clusterDir(name: string): string {
  return path.join(stateBase, name);
}

async function clusterContainers(name?: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [name ? `${KIND_LABEL_CLUSTER}=${name}` : KIND_LABEL_CLUSTER] } });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** kind's duration flag: "60s", "1m", "0" (Go durations, the common subset). */
function durationMs(value: string | undefined): number {
  if (!value) return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  if (!match) throw new KindError(`invalid argument "${value}" for "--wait" flag: time: invalid duration "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

function checkConfig(file: string | undefined): void {
  if (!file) return;
  const config = parse(readFileSync(file, 'utf8')) as { kind?: string; apiVersion?: string; nodes?: { role?: string }[] } | null;
  if (config?.kind !== 'Cluster' || !String(config.apiVersion).startsWith('kind.x-k8s.io/')) {
    throw new KindError(`failed to load config: ${file} is not a kind Cluster config (kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4)`);
  }
  const nodes = config.nodes ?? [{ role: 'control-plane' }];
  if (nodes.length !== 1 || nodes[0]?.role !== 'control-plane') throw new KindError('the kind stand-in runs one control-plane node and no workers');
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new KindError(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function nodeIsReady(name: string): Promise<boolean> {
  const kubeconfig = parse(kubeconfigFor(name, false)) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; users: { user: { token: string } }[] };
  const { server, 'certificate-authority-data': ca } = kubeconfig.clusters[0]!.cluster;
  const response = await fetchWithCa(`${server}/api/v1/nodes`, Buffer.from(ca, 'base64').toString(), kubeconfig.users[0]!.user.token).catch(() => undefined);
  const nodes = response as { items?: { status?: { conditions?: { type: string; status: string }[] } }[] } | undefined;
  return Boolean(nodes?.items?.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')));
}

async function fetchWithCa(url: string, ca: string, token: string): Promise<unknown> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

async function createCluster(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const name = String(flags.name ?? 'kind');
  const image = String(flags.image ?? STANDIN_NODE_IMAGE);
  checkConfig(flags.config as string | undefined);
  const waitMs = durationMs(flags.wait as string | undefined);
  status(`Creating cluster "${name}" ...`);
  if ((await clusterContainers(name)).length > 0) throw new KindError(`node(s) already exist for a cluster with the name "${name}"`);
  // kind pulls its default node image; the stand-in builds its own, and can only use local others.
  if (image === STANDIN_NODE_IMAGE) await ensureStandinNodeImage(docker);
  if (!(await docker.getImage(image).inspect().catch(() => undefined))) {
    throw new KindError(`failed to pull image "${image}": command "docker pull ${image}" failed with error: exit status 1`);
  }
  status(` ✓ Ensuring node image (${image}) 🖼`);
  const dir = clusterDir(name);
  const pipe = path.join(dir, 'apiserver.sock');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The node's kubelet bind-mounts each hostPath it resolved onto a staging path that the
    // engine then mounts into the Pod (staging-mounts.ts). The engine resolves that path on the
    // host, so the node's mounts must reach the host: the directory is a shared mount of its own.
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['--make-shared', dir]);
    const port = await freePort();
    writeFileSync(path.join(dir, 'api-port'), `${port}\n`);
    const labels = { [KIND_LABEL_CLUSTER]: name, [PORT_LABEL]: String(port) };
    // The cluster's network: with no bridge, a network namespace of its own held by a pause
    // container in the engine's remapped user namespace, so that the toolbox (remapped too)
    // may join it; the node (host user namespace) joins it as well.
    const network = await docker.createContainer({
      name: `${name}-network`,
      Image: IMAGES.pause,
      Labels: { ...labels, [KIND_LABEL_ROLE]: 'network' },
      HostConfig: { NetworkMode: 'none', ExtraHosts: [`${nodeName(name)}:127.0.0.1`], RestartPolicy: { Name: 'no' } },
    });
    await network.start();
    const node = await docker.createContainer({
      name: nodeName(name),
      Image: image,
      Env: [`KIND_CLUSTER_NAME=${name}`, `KIND_NODE_STATE=${dir}`, `DOCKER_HOST=unix://${socketPath}`, `KIND_STANDIN_API=${process.env.KIND_STANDIN_API ?? 'published'}`],
      Labels: { ...labels, [KIND_LABEL_ROLE]: 'control-plane', [NODE_ROOT_LABEL]: path.join(dir, 'host', 'clusters', name, 'node') },
      HostConfig: {
        // The node is the engine's client (kind's nodes run their own containerd): the host's
        // uid for the engine socket and the cgroup tree the kubelet makes sandbox cgroups in.
        NetworkMode: `container:${network.id}`,
        UsernsMode: 'host',
        PidMode: 'host',
        Binds: [`${socketPath}:${socketPath}`, `${REPO_ROOT}:${REPO_ROOT}:ro`, `${dir}:${dir}:rshared`, '/sys/fs/cgroup:/sys/fs/cgroup:rw'],
        // mount(2) for those staging mounts (kind's nodes are privileged containers).
        CapAdd: ['SYS_ADMIN'],
        RestartPolicy: { Name: 'no' },
      },
    });
    status(' ✓ Preparing nodes 📦');
    await node.start();
    await waitFor('the control-plane to serve', 60_000, async () => {
      const info = await node.inspect();
      if (!info.State.Running) throw new KindError(`node ${nodeName(name)} exited (${info.State.ExitCode}): ${await nodeLog(node)}`);
      return existsSync(path.join(dir, 'node-kubeconfig')) ? true : undefined;
    });
    const proxy = await docker.createContainer({
      name: `${name}-external-load-balancer`,
      Image: IMAGES.toolbox,
      Entrypoint: ['socat', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${pipe}`],
      Labels: { ...labels, [KIND_LABEL_ROLE]: 'external-load-balancer' },
      HostConfig: { NetworkMode: 'host', UsernsMode: 'host', Binds: [`${dir}:${dir}`], RestartPolicy: { Name: 'no' } },
    });
    await proxy.start();
    status(' ✓ Starting control-plane 🕹️');
    if (waitMs > 0) {
      const started = Date.now();
      status(` ✓ Waiting ≤ ${flags.wait} for control-plane = Ready ⏳`);
      const ready = await waitFor('Ready', waitMs, async () => ((await nodeIsReady(name)) ? true : undefined)).catch(() => false);
      status(ready ? ` • Ready after ${Math.round((Date.now() - started) / 1000)}s 💚` : ' • WARNING: Timed out waiting for Ready ⚠️');
    }
    if (typeof flags.kubeconfig === 'string') writeFileSync(flags.kubeconfig, kubeconfigFor(name, false), { mode: 0o600 });
    status(`Set kubectl context to "kind-${name}"`);
  } catch (error) {
    if (!flags.retain) await deleteCluster(name, false);
    throw error;
  }
}

async function nodeLog(node: Dockerode.Container): Promise<string> {
  const buffer = (await node.logs({ stdout: true, stderr: true, tail: 20 })) as Buffer;
  return buffer.toString('utf8').replace(/[\x00-\x08]/g, '').trim();
}

async function deleteCluster(name: string, say = true): Promise<void> {
  if (say) status(`Deleting cluster "${name}" ...`);
  const node = (await clusterContainers(name)).find((c) => c.Labels[KIND_LABEL_ROLE] === 'control-plane' && c.State === 'running');
  if (node) {
    // The node's own clean-up first: its kubelet removes the Pods, their cgroups and the node's files.
    await docker.getContainer(node.Id).kill({ signal: 'SIGUSR2' }).catch(() => undefined);
    await docker.getContainer(node.Id).wait({ condition: 'not-running' }).catch(() => undefined);
  }
  // Then whatever is left (a node that could not clean up): the node, joined containers, infra, the network holder.
  const containers = await clusterContainers(name);
  const role = (c: Dockerode.ContainerInfo) => c.Labels[KIND_LABEL_ROLE] ?? c.Labels['io.kubelab.role'];
  const rank = (c: Dockerode.ContainerInfo) => ({ 'control-plane': 0, infra: 2, network: 3 } as Record<string, number>)[role(c) ?? ''] ?? 1;
  for (const container of containers.sort((a, b) => rank(a) - rank(b))) await forceRemoveContainer(docker, container.Id, { volumes: true });
  // Detaches the node directory's own mount and whatever staging mounts a node left on it.
  if (existsSync(clusterDir(name))) spawnSync('umount', ['--lazy', clusterDir(name)], { stdio: 'ignore' });
  rmSync(clusterDir(name), { recursive: true, force: true });
  await removeSandboxCgroup(name).catch(() => undefined);
}

function kubeconfigFor(name: string, internal: boolean): string {
  const file = path.join(clusterDir(name), 'node-kubeconfig');
  if (!existsSync(file)) throw new KindError(`could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`);
  const config = parse(readFileSync(file, 'utf8')) as { clusters: { name: string; cluster: { server: string } }[]; users: { name: string }[]; contexts: { name: string; context: { cluster: string; user: string } }[]; 'current-context': string };
  const port = readFileSync(path.join(clusterDir(name), 'api-port'), 'utf8').trim();
  const id = `kind-${name}`;
  return stringify({
    ...config,
    clusters: config.clusters.map((c) => ({ name: id, cluster: { ...c.cluster, server: internal ? `https://127.0.0.1:${API_PORT}` : `https://127.0.0.1:${port}` } })),
    users: config.users.map((u) => ({ ...u, name: id })),
    contexts: [{ name: id, context: { cluster: id, user: id } }],
    'current-context': id,
  });
}

async function loadImageArchive(file: string | undefined, name: string): Promise<void> {
  if (!file) throw new KindError('a path to an image archive is required');
  if ((await clusterContainers(name)).length === 0) throw new KindError(`unknown cluster "${name}"`);
  // The node's runtime is the engine itself, so loading into the node is loading into the engine.
  const stream = await docker.loadImage(file);
  let output = '';
  for await (const chunk of stream) output += String(chunk);
  if (/"error"/.test(output)) throw new KindError(`failed to load image: ${output.slice(0, 300)}`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string', short: 'n' },
      image: { type: 'string' },
      config: { type: 'string' },
      wait: { type: 'string' },
      kubeconfig: { type: 'string' },
      retain: { type: 'boolean' },
      internal: { type: 'boolean' },
    },
  });
  const [verb, noun, arg] = positionals;
  const name = values.name ?? 'kind';
  const command = `${verb ?? ''} ${noun ?? ''}`.trim();
  try {
    switch (command) {
      case 'create cluster':
        return await createCluster(values);
      case 'delete cluster':
        return await deleteCluster(name);
      case 'get clusters': {
        const names = [...new Set((await clusterContainers()).map((c) => c.Labels[KIND_LABEL_CLUSTER] ?? ''))].filter(Boolean).sort();
        if (names.length === 0) status('No kind clusters found.');
        else process.stdout.write(`${names.join('\n')}\n`);
        return;
      }
      case 'get kubeconfig':
        process.stdout.write(kubeconfigFor(name, Boolean(values.internal)));
        return;
      case 'load image-archive':
        return await loadImageArchive(arg, name);
      default:
        throw new KindError(`unknown command "${command}" for "kind" (this stand-in implements create/delete cluster, get clusters, get kubeconfig, load image-archive)`);
    }
  } catch (error) {
    const verbNoun = command === 'create cluster' ? 'failed to create cluster: ' : command === 'delete cluster' ? 'failed to delete cluster: ' : '';
    process.stderr.write(`ERROR: ${verbNoun}${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
