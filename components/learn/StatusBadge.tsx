// An exercise's status (not started / in progress / passed) with its points, as text and colour.
import type { ExerciseStatus } from '@/lib/progress/summary';
import { format } from '@/lib/i18n/format';
import type { LearnMessages } from '@/messages/learn';
import styles from './learn.module.css';

export function StatusBadge({ status, points, maxPoints, lm }: { status: ExerciseStatus; points: number; maxPoints: number; lm: LearnMessages }) {
  return (
    <span className={styles.toolbar}>
      <span className={`${styles.badge} ${styles[`status_${status}`]}`} data-status={status}>
        {lm.status[status]}
      </span>
      <span>{format(lm.status.points, { points, max: maxPoints })}</span>
    </span>
  );
}
