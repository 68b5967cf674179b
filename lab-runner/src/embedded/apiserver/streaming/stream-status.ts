// The metav1.Status a kubelet writes on the error channel when an exec or attach ends, with
// the wording kubectl turns into its messages: NonZeroExitCode + an ExitCode cause makes
// kubectl print `command terminated with exit code N` and exit N; any other Failure prints
// `error: <message>` and exits 1.

import { StatusError } from '../../status-error.js';
import type { StreamSession } from '../../node-contract.js';

export type StreamKind = 'exec' | 'attach';
export type SessionResult = Awaited<StreamSession['result']>;
export type Status = Record<string, unknown>;

export const SUCCESS_STATUS: Status = { metadata: {}, status: 'Success' };

function internalError(message: string): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

export function statusForResult(kind: StreamKind, result: SessionResult): Status {
  if ('error' in result) {
    return internalError(`${kind === 'exec' ? 'error executing command in container' : 'error attaching to container'}: ${result.error}`);
  }
  // A kubelet reports an attach that ended as a success whatever the container's exit code.
  if (kind === 'attach' || result.exitCode === 0) return SUCCESS_STATUS;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/** A failure to start the session (start()/connect() threw). */
export function statusForError(error: unknown): Status {
  if (error instanceof StatusError) return error.toStatus();
  return internalError(error instanceof Error ? error.message : String(error));
}

/** The plain message of a failure, for channels that carry text (port-forward's error stream). */
export function messageForError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
