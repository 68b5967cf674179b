// The stand-in's node image, kind's `kindest/node` in its place: the host's node binary (with
// the libraries it loads), whose entrypoint runs standin-node.ts from this checkout (mounted
// read-only at the same path by kind-standin.ts), and what the provider execs in a node with
// the same programs kind's Debian node has: dash as /bin/sh, GNU tar and coreutils' mkdir
// (node-files.ts relies on their behaviour with links); busybox for the rest. Built from host
// files and imported through the engine's Docker API, as the platform's own images are.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type Dockerode from 'dockerode';
import { Rootfs } from '../../../images/rootfs.js';
import { tarStream } from '../../../images/tar-writer.js';

/** kube-apiserver's port on a kind node, where the node serves TLS. */
export const STANDIN_API_PORT = 6443;
export const STANDIN_NODE_IMAGE = 'localhost/kubelab/kind-standin-node:1';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const HASH_LABEL = 'io.kubelab.kind-standin.hash';
const BUSYBOX_APPLETS = ['rm', 'ls', 'sleep'];
/** kindest/node's own programs, from this Debian 12 host as that image has them from Debian 12. */
const DEBIAN_PROGRAMS: [source: string, target: string][] = [
  ['/usr/bin/dash', '/bin/sh'],
  ['/usr/bin/tar', '/bin/tar'],
  ['/usr/bin/mkdir', '/bin/mkdir'],
  // The kubelet's staging mounts (util-linux: `--no-canonicalize`, which busybox lacks).
  ['/usr/bin/mount', '/bin/mount'],
  ['/usr/bin/umount', '/bin/umount'],
];

async function nodeRootfs(): Promise<Rootfs> {
  const rootfs = new Rootfs();
  rootfs.file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n').file('/etc/group', 'root:x:0:\n').dir('/root', 0o700).dir('/tmp', 0o1777);
  await rootfs.hostBinary(process.execPath, '/usr/local/bin/node');
  await rootfs.hostFile('/bin/busybox', '/bin/busybox', 0o755);
  for (const applet of BUSYBOX_APPLETS) rootfs.symlink(`/bin/${applet}`, '/bin/busybox');
  for (const [source, target] of DEBIAN_PROGRAMS) await rootfs.hostBinary(source, target);
  return rootfs;
}

/** Imports the node image unless the engine has it with the same content already. */
export async function ensureStandinNodeImage(docker: Dockerode): Promise<void> {
  const rootfs = await nodeRootfs();
  const entrypoint = [
    '/usr/local/bin/node',
    '--import',
    pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
    path.join(REPO_ROOT, 'lab-runner/src/providers/kind/testing/standin-node.ts'),
  ];
  const hash = rootfs.contentHash({ entrypoint });
  const existing = await docker.getImage(STANDIN_NODE_IMAGE).inspect().catch(() => undefined);
  if (existing?.Config?.Labels?.[HASH_LABEL] === hash) return;
  const [repo, tag] = STANDIN_NODE_IMAGE.split(/:(?=[^:]+$)/) as [string, string];
  const progress = await docker.importImage(tarStream(rootfs.list()), {
    repo,
    tag,
    changes: [`ENTRYPOINT ${JSON.stringify(entrypoint)}`, 'ENV PATH=/usr/local/bin:/bin', `LABEL ${HASH_LABEL}=${hash}`],
  });
  let output = '';
  for await (const chunk of progress) output += String(chunk);
  if (/"error"/.test(output)) throw new Error(`import of ${STANDIN_NODE_IMAGE} failed: ${output.slice(0, 300)}`);
}
