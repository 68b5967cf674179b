// The bind mounts of one container run. A volume in the Pod's own directory without a subPath
// is bound by its path (no container can change that path). Everything a container can
// influence (a hostPath, any subPath or subPathExpr) is resolved race-free (safe-path.ts) at
// this very start, its descriptor bind-mounted onto the run's staging path, and the engine is
// given the staging path (staging-mounts.ts).

import { join, posix } from 'node:path';
import type { Container } from '../k8s-types.js';
import { expandVars } from './container-config.js';
import { ConfigError } from './field-ref.js';
import { openRoot, PathEscapeError, resolveBeneath, type ResolvedPath } from './safe-path.js';
import { bindResolved } from './staging-mounts.js';
import { openHostPath, type PreparedVolume } from './volumes.js';

export interface RunMounts {
  nodeDir: string;
  /** The run's staging directory (stagingRunDir), empty before the call. */
  runDir: string;
  volumes: Map<string, PreparedVolume>;
}

function subPathOf(mount: NonNullable<Container['volumeMounts']>[number], env: Map<string, string>): string | undefined {
  const field = mount.subPathExpr !== undefined ? 'subPathExpr' : 'subPath';
  const raw = mount.subPathExpr !== undefined ? expandVars(mount.subPathExpr, env) : mount.subPath;
  if (!raw) return undefined;
  if (posix.isAbsolute(raw) || raw.split('/').includes('..')) {
    throw new ConfigError(`${field} "${raw}" must be a relative path that does not contain '..'`);
  }
  return raw;
}

/** Stages the container's volume mounts and returns the engine's Binds for them. Throws ConfigError or MountError. */
export async function stageContainerMounts(run: RunMounts, container: Container, env: Map<string, string>): Promise<string[]> {
  const binds: string[] = [];
  for (const [index, mount] of (container.volumeMounts ?? []).entries()) {
    const volume = run.volumes.get(mount.name);
    if (!volume) throw new ConfigError(`cannot find volume "${mount.name}" to mount into container "${container.name}"`);
    const subPath = subPathOf(mount, env);
    const mode = mount.readOnly || volume.forceReadOnly ? ':ro' : '';
    if (volume.kind === 'pod' && !subPath) {
      binds.push(`${volume.dir}:${mount.mountPath}${mode}`);
      continue;
    }
    const base = volume.kind === 'hostPath' ? openHostPath(run.nodeDir, volume.volume, volume) : openRoot(volume.dir);
    let resolved: ResolvedPath = base;
    try {
      if (subPath) {
        try {
          // A missing subPath is created as a directory, as the kubelet does (not in read-only volumes).
          resolved = resolveBeneath(base, subPath, volume.forceReadOnly ? {} : { create: 'directory' });
        } catch (error) {
          if (error instanceof PathEscapeError) throw new ConfigError(`subPath "${subPath}" resolves outside the sandbox's node`);
          throw new ConfigError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${container.name}"`);
        }
      }
      const target = join(run.runDir, String(index));
      await bindResolved(resolved, target);
      binds.push(`${target}:${mount.mountPath}${mode}`);
    } finally {
      if (resolved !== base) resolved.close();
      base.close();
    }
  }
  return binds;
}
