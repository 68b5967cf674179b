// Who may enter which area of the platform: the decisions lib/authz.ts enforces, kept pure so
// they are tested on their own. Admins may do what instructors may; instructors what learners may.
import type { Role } from './roles';

export const AREAS = {
  /** Courses, lessons, exercises, sandboxes: every signed-in account. */
  learning: ['learner', 'instructor', 'admin'],
  /** Writing and inspecting content. */
  authoring: ['instructor', 'admin'],
  /** Users, settings, the sandbox fleet. */
  administration: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Area = keyof typeof AREAS;

export interface Principal {
  id: string;
  role: Role;
  disabled: boolean;
}

export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

/** A missing or disabled account is unauthenticated; a role not in `allowed` is forbidden. */
export function decide(principal: Principal | null, allowed: readonly Role[] | Area): Decision {
  if (!principal || principal.disabled) return 'unauthenticated';
  const roles: readonly Role[] = typeof allowed === 'string' ? AREAS[allowed] : allowed;
  return roles.includes(principal.role) ? 'allow' : 'forbidden';
}

/** Where a role lands after signing in. */
export function homeFor(role: Role): string {
  if (role === 'admin') return '/admin';
  if (role === 'instructor') return '/instructor';
  return '/';
}

// Post-sign-in destinations follow the shared safe-link policy.
export { safeNextPath } from './sign-in/safe-link';
