// `{name}` placeholders in learner-facing messages. `{{` and `}}` stand for literal braces.

const placeholderPattern = /\{\{|\}\}|\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Names of the placeholders used in a template, in order of first use. */
export function placeholdersIn(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(placeholderPattern)) {
    const name = match[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Replaces `{name}` with `values[name]`; unknown placeholders are left as written. */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(placeholderPattern, (whole, name: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    return name !== undefined && Object.hasOwn(values, name) ? (values[name] as string) : whole;
  });
}
