// The two pieces the admin pages are built from: a panel (a section labelled by its own
// heading) and a data table (the scrolling wrapper, an optional hidden caption, scoped column
// heads and the rows). One place for their markup, so every admin table reads the same to a
// screen reader.
import type { ReactNode } from 'react';
import { ColumnHeads } from './ColumnHeads';

export function Panel({ id, title, hiddenTitle = false, children }: { id: string; title: ReactNode; hiddenTitle?: boolean; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="panel">
      <h2 id={`${id}-title`} className={hiddenTitle ? 'visually-hidden' : undefined}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function DataTable({
  heads,
  head,
  caption,
  className,
  testId,
  children,
}: {
  /** Column headings; or `head`, a whole <thead> for headings that are not plain text. */
  heads?: readonly string[];
  head?: ReactNode;
  /** A caption for screen readers only. */
  caption?: string;
  className?: string;
  testId?: string;
  /** The rows. */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className} data-testid={testId}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        {head ?? (heads ? <ColumnHeads labels={heads} /> : null)}
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
