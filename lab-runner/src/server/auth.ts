// Service authentication: the web app presents `Authorization: Bearer <RUNNER_TOKEN>`.
// Both sides are hashed first so the comparison is constant-time whatever their lengths.

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** True when the Authorization header carries exactly the expected bearer token. */
export function bearerAuthorized(header: string | undefined, expected: string): boolean {
  if (!header) return false;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  // Compare even on a malformed header so timing does not reveal which check failed.
  return tokensEqual(match?.[1] ?? '', expected) && match !== null;
}
