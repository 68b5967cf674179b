'use client';
// One user in the admin's list: change the role, disable or enable the account.
import { useActionState } from 'react';
import { changeRoleAction, setDisabledAction, type AdminActionState } from '@/app/admin/actions';
import { ROLES, type Role } from '@/lib/roles';

export interface UserRowLabels {
  columns: { email: string; role: string; status: string; actions: string };
  roles: Record<Role, string>;
  roleFor: string;
  saveRole: string;
  disable: string;
  enable: string;
  active: string;
  disabled: string;
  you: string;
}

export interface UserRowUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
}

export function UserRow({ user, isSelf, labels }: { user: UserRowUser; isSelf: boolean; labels: UserRowLabels }) {
  const [roleState, roleAction, rolePending] = useActionState<AdminActionState, FormData>(changeRoleAction, {});
  const [disableState, disableAction, disablePending] = useActionState<AdminActionState, FormData>(setDisabledAction, {});
  const feedback = disableState.error ?? roleState.error ?? disableState.message ?? roleState.message;
  const isError = Boolean(disableState.error ?? roleState.error);
  return (
    <tr data-testid={`user-${user.email}`} className={user.disabled ? 'archived' : undefined}>
      <th scope="row">
        {user.name} {isSelf ? <span className="muted">({labels.you})</span> : null}
      </th>
      <td data-label={labels.columns.email}>{user.email}</td>
      <td data-label={labels.columns.role}>
        <form action={roleAction} className="inline-form">
          <input type="hidden" name="userId" value={user.id} />
          <select name="role" defaultValue={user.role} aria-label={labels.roleFor} disabled={isSelf}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {labels.roles[r]}
              </option>
            ))}
          </select>
          <button type="submit" className="button small secondary" disabled={isSelf || rolePending}>
            {labels.saveRole}
          </button>
        </form>
      </td>
      <td data-label={labels.columns.status}>
        <span className={user.disabled ? 'status status-disabled' : 'status status-active'}>
          {user.disabled ? labels.disabled : labels.active}
        </span>
      </td>
      <td data-label={labels.columns.actions}>
        <form action={disableAction} className="inline-form">
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="disabled" value={user.disabled ? 'false' : 'true'} />
          <button type="submit" className="button small secondary" disabled={isSelf || disablePending}>
            {user.disabled ? labels.enable : labels.disable}
          </button>
        </form>
        {feedback ? (
          <p role={isError ? 'alert' : 'status'} className={isError ? 'field-error' : 'field-hint'}>
            {feedback}
          </p>
        ) : null}
      </td>
    </tr>
  );
}
