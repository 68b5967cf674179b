// Force-removing a container, the one way every part of the runner (and the platform's clean-up
// scripts) does it.

import type Dockerode from 'dockerode';

// Bounded by time, not attempts: on a loaded machine the clean-up holding the mount can take seconds.
const BUSY_RETRY_MS = 15_000;

/**
 * Force-removes a container; resolves when it is gone, also when it was missing already.
 * Podman 4.3 sometimes fails to remove a container that has just stopped with `unlinkat
 * …/userdata/shm: device or resource busy`: its cleanup process still holds the mount for a
 * moment (containers/podman#11594, fixed in later Podman). That error alone is tried again
 * after a short wait, for up to 15 s; any other error is thrown.
 */
export async function forceRemoveContainer(docker: Dockerode, id: string, options: { volumes?: boolean } = {}): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.getContainer(id).remove({ force: true, v: options.volumes ?? false });
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      if (Date.now() - started >= BUSY_RETRY_MS || !/device or resource busy/.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1000)));
    }
  }
}
