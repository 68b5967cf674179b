// Termination messages, as the kubelet keeps them: every container run gets its own host file
// bind-mounted at terminationMessagePath (/dev/termination-log by default); what the process
// wrote there becomes state.terminated.message. With terminationMessagePolicy
// FallbackToLogsOnError, a failed run that wrote nothing there gets the tail of its logs.

import type Dockerode from 'dockerode';
import { closeSync, constants, fchmodSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { demuxBuffer } from './engine.js';
import { podDir } from './volumes.js';

/** The kubelet's limits: 4096 bytes from the file, 80 lines and 2048 bytes from the logs. */
const FILE_LIMIT = 4096;
const LOG_LINES = 80;
const LOG_LIMIT = 2048;

export function terminationLogPath(podsDir: string, podUid: string, container: string, restartCount: number): string {
  return join(podDir(podsDir, podUid), 'containers', container, String(restartCount), 'termination-log');
}

/**
 * Creates the empty file before the run, writable by any user the container runs as. Its
 * directory is the kubelet's; the file itself is bind-mounted into the container, which can
 * write into it but never swap it: still, neither this nor the read below follows a link.
 */
export async function prepareTerminationLog(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o666);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
    fchmodSync(fd, 0o666);
  } finally {
    closeSync(fd);
  }
}

/** What the run wrote to its termination log ('' when nothing, or when the file is gone or not a plain file). */
export function readTerminationLog(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return '';
    const buffer = Buffer.alloc(FILE_LIMIT);
    const length = readSync(fd, buffer, 0, FILE_LIMIT, 0);
    return buffer.subarray(0, length).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The tail of a finished run's logs, for FallbackToLogsOnError. */
export async function logTail(docker: Dockerode, containerId: string, tty: boolean): Promise<string> {
  const raw = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, follow: false, tail: LOG_LINES })) as unknown as Buffer;
  const text = (tty ? raw : demuxBuffer(raw)).toString('utf8');
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= LOG_LIMIT ? text : bytes.subarray(bytes.length - LOG_LIMIT).toString('utf8');
}

/** Drops the file of a run whose container is gone. */
export async function removeTerminationLog(path: string): Promise<void> {
  await rm(dirname(path), { recursive: true, force: true });
}
