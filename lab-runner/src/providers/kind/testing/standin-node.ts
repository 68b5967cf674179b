// The stand-in kind node's one process (the entrypoint of its node image): the embedded API
// server and kubelet for one cluster, in place of kind's systemd, containerd, kubelet and
// control-plane static Pods. It serves TLS on the node's 127.0.0.1:6443, as kind's
// kube-apiserver does, and its kubelet runs the Pods on the Docker Engine whose socket is
// mounted at DOCKER_HOST (kind's nodes run theirs on their own containerd).
//
// Environment (set by kind-standin.ts): KIND_CLUSTER_NAME, KIND_NODE_STATE (a host directory
// mounted at the same path, so the hostPath volumes the kubelet hands the engine exist there).
// It writes KIND_NODE_STATE/node-kubeconfig for the stand-in CLI and opens
// KIND_NODE_STATE/apiserver.sock, a byte pipe to the TLS port: the stand-in's port proxy on the
// host connects there, as kind's published port reaches the API server.

import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Dockerode from 'dockerode';
import { createEmbeddedClusterHost } from '../../../embedded/host.js';
import { createKubeletWith, kubeletLog } from '../../../embedded/kubelet/index.js';
import { engineSocket } from '../../../engine-check.js';
import { createLogger } from '../../../log.js';
import { STANDIN_API_PORT as API_PORT } from './node-image.js';

const name = process.env.KIND_CLUSTER_NAME;
const stateDir = process.env.KIND_NODE_STATE;
if (!name || !stateDir) {
  process.stderr.write('kind stand-in node: KIND_CLUSTER_NAME and KIND_NODE_STATE must be set\n');
  process.exit(2);
}
const logger = createLogger({ level: 'info' }, { service: 'kind-standin-node', cluster: name });
const docker = new Dockerode({ socketPath: engineSocket() });
const host = createEmbeddedClusterHost({
  stateDir: path.join(stateDir, 'host'),
  port: API_PORT,
  logger: logger.child({ component: 'cluster-host' }),
  kubeletFactory: createKubeletWith({ docker, log: kubeletLog(logger.child({ component: 'kubelet' })), labels: { 'io.x-k8s.kind.cluster': name } }),
});
await host.start();
const cluster = host.getCluster(name) ?? (await host.createCluster(name));

const pipePath = path.join(stateDir, 'apiserver.sock');
rmSync(pipePath, { force: true });
const pipe = net.createServer((client) => {
  const upstream = net.connect(API_PORT, '127.0.0.1');
  const done = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', done).on('close', done);
  upstream.on('error', done).on('close', done);
  client.pipe(upstream).pipe(client);
});
// KIND_STANDIN_API=unreachable (a test case): the published port leads nowhere, so nothing
// outside the node ever sees it Ready (the embedded API server reports its node Ready at once).
if (process.env.KIND_STANDIN_API !== 'unreachable') await new Promise<void>((resolve) => pipe.listen(pipePath, resolve));
// The proxy container's root is the engine's remapped uid: it must be able to connect.
if (pipe.listening) chmodSync(pipePath, 0o666);
writeFileSync(path.join(stateDir, 'node-kubeconfig'), cluster.kubeconfig(), { mode: 0o600 });
logger.info('node_ready_to_serve', { port: API_PORT });

// SIGUSR2 (sent by `kind delete cluster`): the cluster goes, with its Pods, cgroups and files.
process.on('SIGUSR2', () => {
  pipe.close();
  void host
    .deleteCluster(name)
    .then(() => host.stop())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('node_delete_failed', { error });
        process.exit(1);
      },
    );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // Like a node shutting down: Pods' containers stay for the next start to adopt.
    pipe.close();
    void host.stop().then(() => process.exit(0));
  });
}
