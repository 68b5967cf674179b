// An audit action's readable name in the reader's language; an action without one (recorded by
// an older version of the app) shows its stable code.
import type { AdminMessages } from '@/messages/admin';

export function auditActionName(am: AdminMessages, action: string): string {
  return (am.audit.actions as Record<string, string>)[action] ?? action;
}
