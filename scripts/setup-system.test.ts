import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, chmodSync } from 'node:fs';
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

  it('names the missing packages and the apt-get command, and exits non-zero', () => {
    const script = path.resolve(__dirname, 'setup-system.sh');
    const runuser = execFileSync('bash', ['-c', 'command -v runuser']).toString().trim();
    const result = spawnSync(runuser, ['-u', 'nobody', '--', path.join(bin, 'bash'), script], {
      env: { PATH: bin, HOME: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/missing Debian packages: podman runc( \S+)* catatonit socat/);
    expect(result.stderr).toContain('sudo apt-get install -y podman runc');
  });
});
