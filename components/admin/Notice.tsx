// The outcome of an admin form, passed back as a notice code in the URL after a redirect:
// shown in a live region, an error as an alert. Unknown codes show nothing.
export function Notice({ code, messages, errors }: { code: unknown; messages: object; errors: readonly string[] }) {
  if (typeof code !== 'string' || !Object.hasOwn(messages, code)) return null;
  const text = (messages as Record<string, unknown>)[code];
  if (typeof text !== 'string') return null;
  const isError = errors.includes(code);
  return (
    <p role={isError ? 'alert' : 'status'} className={isError ? 'form-error' : 'notice'} data-testid="admin-notice">
      {text}
    </p>
  );
}
