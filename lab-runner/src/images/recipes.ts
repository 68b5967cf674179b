// What each local image contains. Everything comes from files already on this machine
// (Debian's busybox-static, catatonit, bash, socat and the host's static kubectl), so the
// images build without any network and rebuild only when those files change.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ImageBuildError, Rootfs } from './rootfs.js';

const execFileAsync = promisify(execFile);

export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: Record<string, string>;
  workingDir?: string;
}

export interface ImageRecipe {
  /** The tag the image is built under; `aliases` are extra tags for the same image. */
  reference: string;
  aliases: string[];
  config: ImageConfig;
  rootfs: Rootfs;
}

const BUSYBOX_BINARY = '/bin/busybox';
const CATATONIT_BINARY = '/usr/bin/catatonit';
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where the pause image carries busybox for the kubelet's in-namespace probes and port-forwards. */
export const POD_NETNS_BUSYBOX = '/.kubelab/busybox';
// The platform's images live under its own repository names only: on an engine shared with
// other users they never shadow (nor are shadowed by) anyone's `busybox` or `pause`. The
// kubelet maps the names a Pod may use (`busybox:1.36`, `registry.k8s.io/pause:3.9`) to these.
export const PAUSE_REFERENCE = 'localhost/kubelab/pause:3.9';
export const TOOLBOX_REFERENCE = 'localhost/kubelab/toolbox:1';
export const BUSYBOX_REFERENCE = 'localhost/kubelab/busybox:1.36';

async function run(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    throw new ImageBuildError(`${file} ${args.join(' ')} failed: ${String((error as Error).message)}`);
  }
}

function requireFile(path: string, pkg: string): void {
  if (!existsSync(path)) throw new ImageBuildError(`${path} is missing: install Debian's ${pkg} package (scripts/setup-system.sh does)`);
}

/** The version the host's busybox reports, e.g. "1.35.0". */
async function busyboxVersion(): Promise<string> {
  requireFile(BUSYBOX_BINARY, 'busybox-static');
  const banner = await run(BUSYBOX_BINARY, ['--help']).catch(() => '');
  const match = /BusyBox v(\d+\.\d+(?:\.\d+)?)/.exec(banner);
  if (!match?.[1]) throw new ImageBuildError(`cannot read the version of ${BUSYBOX_BINARY}`);
  return match[1];
}

/** busybox's applets as `usr/bin/awk`-style paths, linked to /bin/busybox. */
async function addBusybox(rootfs: Rootfs): Promise<void> {
  await rootfs.hostFile(BUSYBOX_BINARY, '/bin/busybox', 0o755);
  for (const applet of (await run(BUSYBOX_BINARY, ['--list-full'])).split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (!rootfs.has(applet)) rootfs.symlink(applet, '/bin/busybox');
  }
}

function baseFiles(rootfs: Rootfs, shell: string): void {
  rootfs
    .file('/etc/passwd', `root:x:0:0:root:/root:${shell}\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n`)
    .file('/etc/group', 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n')
    .dir('/root', 0o700)
    .dir('/tmp', 0o1777)
    .dir('/var/tmp', 0o1777)
    .dir('/home')
    .dir('/etc');
}

export async function busyboxRecipe(): Promise<ImageRecipe> {
  await busyboxVersion();
  const rootfs = new Rootfs();
  baseFiles(rootfs, '/bin/sh');
  await addBusybox(rootfs);
  return {
    reference: BUSYBOX_REFERENCE,
    aliases: [],
    config: { cmd: ['sh'], env: { PATH: PATH_ENV } },
    rootfs,
  };
}

export async function pauseRecipe(): Promise<ImageRecipe> {
  requireFile(CATATONIT_BINARY, 'catatonit');
  const rootfs = new Rootfs();
  await rootfs.hostFile(CATATONIT_BINARY, '/catatonit', 0o755);
  rootfs.symlink('/pause', '/catatonit');
  // A static busybox beside the pause binary lets the kubelet exec probes (wget, nc) and
  // port-forwards inside the Pod's network namespace without starting another container.
  // It never runs on its own: the entrypoint stays catatonit.
  await rootfs.hostFile(BUSYBOX_BINARY, POD_NETNS_BUSYBOX, 0o755);
  return {
    reference: PAUSE_REFERENCE,
    aliases: [],
    // -P: catatonit's pause mode, it only waits for a signal, like the pause image's /pause.
    config: { entrypoint: ['/catatonit', '-P'] },
    rootfs,
  };
}

/** The host's static kubectl: `command -v kubectl`, symlinks resolved. */
async function hostKubectl(): Promise<string> {
  const found = (await run('sh', ['-c', 'command -v kubectl || true'])).trim();
  if (!found) throw new ImageBuildError('no kubectl on PATH: the toolbox image needs the host\'s static kubectl');
  return realpath(found);
}

const TOOLBOX_INIT = `#!/bin/sh
# Toolbox entry: bridges kubectl's http://127.0.0.1:6443 to the sandbox's API socket,
# which the runner bind-mounts at /run/kubelab/api.sock; catatonit above stays PID 1.
while true; do
  socat TCP-LISTEN:6443,bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:/run/kubelab/api.sock
  sleep 1
done
`;

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kubelab
  cluster:
    server: http://127.0.0.1:6443
users:
- name: learner
  user: {}
contexts:
- name: kubelab
  context:
    cluster: kubelab
    user: learner
    namespace: default
current-context: kubelab
`;

const BASHRC = `# Kubelab toolbox shell
[ -z "$PS1" ] && return
PS1='\\[\\e[1;36m\\][\${KUBELAB_SANDBOX:-sandbox}]\\[\\e[0m\\] \\[\\e[1;34m\\]\\w\\[\\e[0m\\] $ '
alias k=kubectl
alias ls='ls --color=auto'
if [ -r /usr/share/bash-completion/completions/kubectl ]; then
  . /usr/share/bash-completion/completions/kubectl
  complete -o default -F __start_kubectl k
fi
`;

const PROFILE = `export PATH=${PATH_ENV}
export HOME=/root
export TERM=\${TERM:-xterm-256color}
export EDITOR=vi
export PAGER=less
[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc
cd "$HOME" 2>/dev/null || true
`;

export async function toolboxRecipe(): Promise<ImageRecipe> {
  requireFile(CATATONIT_BINARY, 'catatonit');
  const rootfs = new Rootfs();
  baseFiles(rootfs, '/bin/bash');
  await rootfs.hostBinary('/bin/bash', '/bin/bash');
  await rootfs.hostBinary(await run('sh', ['-c', 'command -v socat']).then((p) => p.trim() || '/usr/bin/socat'), '/usr/bin/socat');
  await rootfs.hostFile(CATATONIT_BINARY, '/usr/bin/catatonit', 0o755);
  const kubectl = await hostKubectl();
  await rootfs.hostBinary(kubectl, '/usr/local/bin/kubectl');
  await addBusybox(rootfs);
  for (const term of ['x/xterm', 'x/xterm-256color', 'x/xterm-color', 'v/vt100', 'd/dumb', 'l/linux', 's/screen', 's/screen-256color']) {
    const source = `/lib/terminfo/${term}`;
    if (existsSync(source)) await rootfs.hostFile(source, `/usr/share/terminfo/${term}`, 0o644);
  }
  rootfs
    .file('/usr/share/bash-completion/completions/kubectl', await run(kubectl, ['completion', 'bash']))
    .file('/usr/local/bin/kubelab-toolbox-init', TOOLBOX_INIT, 0o755)
    .file('/root/.kube/config', KUBECONFIG, 0o600)
    .file('/etc/bash.bashrc', BASHRC)
    .file('/etc/profile', PROFILE)
    .file('/root/.bashrc', '[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc\n')
    .file('/root/.profile', '')
    .dir('/run/kubelab');
  return {
    reference: TOOLBOX_REFERENCE,
    aliases: [],
    config: {
      entrypoint: ['/usr/bin/catatonit', '--', '/usr/local/bin/kubelab-toolbox-init'],
      env: { PATH: PATH_ENV, HOME: '/root', TERM: 'xterm-256color', LANG: 'C.UTF-8' },
      workingDir: '/root',
    },
    rootfs,
  };
}
