// The per-address and per-account limits that keep one person from holding the platform:
// accounts created per client address, sandboxes created per account. (Failed sign-ins have
// their own throttle in lib/sign-in/throttle.ts; the runner caps live sandboxes per owner and
// in all.)
import { processLimiter, type RateLimiter } from './rate-limit';

const HOUR = 60 * 60_000;

/**
 * Sign-up attempts that reach the database (a new account, or an email already taken: both
 * probe or fill it) per client address per hour. A classroom signs up from behind one NAT
 * address, so the limit is an operator's setting (SIGNUP_LIMIT_PER_ADDRESS).
 */
export function signUpLimiter(perHour: number): RateLimiter {
  return processLimiter('sign-up-per-address', { limit: perHour, windowMs: HOUR, maxKeys: 10_000 });
}

/**
 * Sandboxes an account may create in ten minutes. Resuming a live sandbox is not counted; a
 * reset is a delete and a create. The runner's own cap on live sandboxes per owner bounds what
 * one account holds at a time; this bounds the churn (each create builds containers and a
 * virtual cluster on the runner's host).
 */
export const SANDBOX_CREATIONS = { limit: 10, windowMs: 10 * 60_000, maxKeys: 10_000 };

export function sandboxCreationLimiter(): RateLimiter {
  return processLimiter('sandbox-creations-per-account', SANDBOX_CREATIONS);
}
