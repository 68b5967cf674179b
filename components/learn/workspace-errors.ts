// What the exercise page says when something goes wrong: a failed learner API call, or the
// end of the sandbox, in the learner's words with what to do next; never a bare status.
import { format } from '@/lib/i18n/format';
import type { LearnMessages } from '@/messages/learn';
import { ApiError } from './api';

export function describeApiError(e: unknown, errors: LearnMessages['exercise']['errors']): string {
  if (!(e instanceof ApiError)) return errors.network;
  switch (e.code) {
    case 'owner_limit_reached':
      return errors.limit;
    case 'at_capacity':
      return errors.capacity;
    case 'shutting_down':
      return errors.restarting;
    case 'runner_unreachable':
    case 'runner_bad_reply':
      return errors.runnerUnavailable;
    case 'sandbox_not_ready':
      return errors.notReady;
    case 'sandbox_not_found':
      return errors.notFound;
    case 'sandbox_lost':
      return errors.sandboxLost;
    case 'setup_failed':
    case 'exercise_invalid':
      return format(errors.setupFailed, { message: e.message });
    case 'RATE_LIMITED':
      // Too many new sandboxes for this account: the answer says how long the wait is.
      return e.retryAfterMinutes ? format(errors.rateLimited, { minutes: e.retryAfterMinutes }) : errors.slowDown;
  }
  if (e.status === 401) return errors.signedOut;
  if (e.status === 429) return errors.slowDown;
  if (e.status >= 500) return errors.server;
  return format(errors.generic, { message: e.message });
}

/** Why the sandbox is gone, as the runner reported it. */
export function endedMessage(endReason: string | undefined, m: LearnMessages['exercise']): string {
  switch (endReason) {
    case 'idle_timeout':
      return m.endedIdle;
    case 'max_lifetime':
      return m.endedLifetime;
    case 'ended_by_admin':
      return m.endedByAdmin;
    case 'runner_lost':
      return m.endedRunnerLost;
    default:
      return m.ended;
  }
}
