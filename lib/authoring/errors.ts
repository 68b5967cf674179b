// The authoring rules' refusals, with stable codes the route handlers map to HTTP statuses and
// the pages to localized messages (messages/author: errors.<code>).
import type { FormatProblem } from '@kubelab/exercise-format';

export type AuthoringErrorCode =
  /** The YAML does not parse or does not match the exercise format. */
  | 'INVALID'
  /** Content from exercises/ is owned by the repository: read-only in the browser. */
  | 'FILES_OWNED'
  /** The id is taken (by the repository or by another browser exercise). */
  | 'ID_TAKEN'
  /** The id of an exercise is fixed once it exists. */
  | 'ID_CHANGED'
  /** Another save landed first: the caller's base revision is stale. */
  | 'CONFLICT'
  /** Publishing needs a passed "Prove it" on exactly this text. */
  | 'NOT_PROVED'
  | 'NOT_FOUND'
  | 'NOT_PUBLISHED';

export const AUTHORING_STATUS: Record<AuthoringErrorCode, number> = {
  INVALID: 422,
  FILES_OWNED: 403,
  ID_TAKEN: 409,
  ID_CHANGED: 422,
  CONFLICT: 409,
  NOT_PROVED: 409,
  NOT_FOUND: 404,
  NOT_PUBLISHED: 409,
};

export class AuthoringError extends Error {
  override readonly name = 'AuthoringError';
  constructor(
    readonly code: AuthoringErrorCode,
    message: string,
    /** INVALID: every located problem; CONFLICT: what is stored now. */
    readonly detail: { problems?: readonly FormatProblem[]; current?: { text: string; revision: number } } = {},
  ) {
    super(message);
  }
}
