'use client';
import { useActionState } from 'react';
import { signUpAction } from '@/app/sign-up/actions';
import type { FormState } from './form-state';

interface Labels {
  name: string;
  email: string;
  password: string;
  passwordHint: string;
  submit: string;
  pending: string;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null;
}

export function SignUpForm({ labels, minLength }: { labels: Labels; minLength: number }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signUpAction, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="form">
      {state.error ? (
        <p role="alert" className="form-error" data-testid="form-error">
          {state.error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="name">{labels.name}</label>
        <input id="name" name="name" autoComplete="name" required maxLength={100} defaultValue={state.values?.name}
          aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? 'name-error' : undefined} />
        <FieldError id="name-error" message={errors.name} />
      </div>
      <div className="field">
        <label htmlFor="email">{labels.email}</label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email}
          aria-invalid={errors.email ? true : undefined} aria-describedby={errors.email ? 'email-error' : undefined} />
        <FieldError id="email-error" message={errors.email} />
      </div>
      <div className="field">
        <label htmlFor="password">{labels.password}</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={minLength}
          aria-invalid={errors.password ? true : undefined} aria-describedby={errors.password ? 'password-error password-hint' : 'password-hint'} />
        <p id="password-hint" className="field-hint">{labels.passwordHint}</p>
        <FieldError id="password-error" message={errors.password} />
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? labels.pending : labels.submit}
      </button>
    </form>
  );
}
