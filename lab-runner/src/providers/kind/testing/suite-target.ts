// What the kind suites run against: the stand-in on the Docker Engine, or with
// KUBELAB_TEST_KIND=1 the real `kind` (KIND_PATH or PATH). Says why a suite is skipped.

import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineSocket, identifyEngine } from '../../../engine-check.js';

export const REAL_KIND = process.env.KUBELAB_TEST_KIND === '1';
export const STANDIN_KIND = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bin/kind');

function realKind(): string | undefined {
  const candidates = process.env.KIND_PATH ? [process.env.KIND_PATH] : (process.env.PATH ?? '').split(':').map((d) => path.join(d, 'kind'));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return c !== STANDIN_KIND;
    } catch {
      return false;
    }
  });
}

export interface SuiteTarget {
  socket: string;
  kindPath: string | undefined;
  /** Why the suite cannot run here, or undefined. */
  skipReason: string | undefined;
}

export async function suiteTarget(): Promise<SuiteTarget> {
  const socket = engineSocket();
  const engine = await identifyEngine(socket).catch(() => undefined);
  const kindPath = REAL_KIND ? realKind() : STANDIN_KIND;
  const skipReason =
    engine !== 'docker'
      ? `the kind provider runs on the Docker Engine; ${socket} answers as ${engine ?? 'nothing'} (set DOCKER_HOST=unix:///run/kubelab/docker.sock)`
      : !kindPath
        ? 'KUBELAB_TEST_KIND=1 but no real kind on PATH or KIND_PATH: the suite with the real kind is skipped'
        : undefined;
  if (skipReason) console.warn(`kind suite skipped: ${skipReason}`);
  return { socket, kindPath, skipReason };
}
