// A side-by-side line diff (lib/authoring/side-by-side): stored text left, the other right.
import type { DiffRow } from './api';
import styles from './author.module.css';

export function DiffTable({ rows, left, right }: { rows: DiffRow[]; left: string; right: string }) {
  return (
    <div className="table-wrap" data-testid="diff">
      <table className={styles.diff}>
        <thead>
          <tr>
            <th scope="col" className={styles.num}>
              #
            </th>
            <th scope="col">{left}</th>
            <th scope="col" className={styles.num}>
              #
            </th>
            <th scope="col">{right}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} data-kind={row.kind}>
              <td className={styles.num}>{row.left?.line ?? ''}</td>
              <td className={styles.left}>{row.left?.text ?? ''}</td>
              <td className={styles.num}>{row.right?.line ?? ''}</td>
              <td className={styles.right}>{row.right?.text ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
