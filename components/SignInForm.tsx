'use client';
import { useActionState } from 'react';
import { signInAction } from '@/app/sign-in/actions';
import type { FormState } from './form-state';

interface Labels {
  email: string;
  password: string;
  submit: string;
  pending: string;
}

export function SignInForm({ labels, next }: { labels: Labels; next?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signInAction, {});
  return (
    <form action={action} className="form" noValidate={false}>
      {state.error ? (
        <p role="alert" className="form-error" data-testid="form-error">
          {state.error}
        </p>
      ) : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <div className="field">
        <label htmlFor="email">{labels.email}</label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.values?.email} />
      </div>
      <div className="field">
        <label htmlFor="password">{labels.password}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? labels.pending : labels.submit}
      </button>
    </form>
  );
}
