/** What an auth form's server action answers: a message to show, and the values to keep. */
export interface FormState {
  error?: string;
  fieldErrors?: Partial<Record<'name' | 'email' | 'password', string>>;
  values?: { name?: string; email?: string };
}
