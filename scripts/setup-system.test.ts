import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// setup-system.sh on a machine without the packages, run by a user who is not root: it must
// not try to install anything and must say exactly what to install.
describe('setup-system.sh without root and without the packages', () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'kubelab-nopkg-'));
  chmodSync(bin, 0o755);
  // Only the shell and the tools the script needs before it decides: podman, socat and the
  // rest are "not installed" because they are not on this PATH.
  for (const tool of ['bash', 'dpkg', 'id']) {
    symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`]).toString().trim(), path.join(bin, tool));
  }
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const runAsNobody = (env: Record<string, string> = {}) => {
    const script = path.resolve(__dirname, 'setup-system.sh');
    const runuser = execFileSync('bash', ['-c', 'command -v runuser']).toString().trim();
    return spawnSync(runuser, ['-u', 'nobody', '--', path.join(bin, 'bash'), script], {
      env: { PATH: bin, HOME: '/nonexistent', ...env },
      encoding: 'utf8',
    });
  };

  it('names the missing packages and the apt-get command, and exits non-zero', () => {
    const result = runAsNobody();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/missing Debian packages: podman runc( \S+)* catatonit socat\./);
    expect(result.stderr).toContain('sudo apt-get install -y podman runc');
  });

  it('adds the Docker Engine (docker.io) when Docker is the engine, and refuses an unknown engine', () => {
    // The probe is /usr/sbin/dockerd itself, so this holds only where it is not installed.
    const docker = runAsNobody({ KUBELAB_ENGINE: 'docker' });
    expect(docker.status).not.toBe(0);
    if (!existsSync('/usr/sbin/dockerd')) expect(docker.stderr).toMatch(/missing Debian packages: podman runc( \S+)* catatonit socat docker\.io\./);
    else expect(docker.stderr).toMatch(/missing Debian packages: podman runc( \S+)* catatonit socat\./);
    const unknown = runAsNobody({ KUBELAB_ENGINE: 'containerd' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('KUBELAB_ENGINE must be podman or docker (got "containerd")');
  });
});
