// The responsive table of the admin and authoring areas: column headings over rows the caller
// renders (each cell carries data-label, which the narrow layout shows beside its value).
import type { ReactNode } from 'react';

export function StackTable({ columns, children }: { columns: readonly string[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="stack-table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
