// Force-removing a container, the one way every part of the runner does it.

import type Dockerode from 'dockerode';

const ATTEMPTS = 5;

/**
 * Force-removes a container; resolves when it is gone, also when it was missing already.
 * Podman 4.3 sometimes fails to remove a container that has just stopped with `unlinkat
 * …/userdata/shm: device or resource busy`: its cleanup process still holds the mount for a
 * moment (containers/podman#11594, fixed in later Podman). That error alone is tried again
 * after a short wait; any other error is thrown.
 */
export async function forceRemoveContainer(docker: Dockerode, id: string, options: { volumes?: boolean } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.getContainer(id).remove({ force: true, v: options.volumes ?? false });
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      if (attempt >= ATTEMPTS || !/device or resource busy/.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
