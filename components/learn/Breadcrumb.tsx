// The learner pages' trail: Courses > course > lesson, ending at the current page (not a link).
import Link from 'next/link';
import styles from './learn.module.css';

export function Breadcrumb({ label, trail, current }: { label: string; trail: readonly { href: string; text: string }[]; current: string }) {
  return (
    <nav aria-label={label} className={styles.breadcrumb}>
      <ol>
        {trail.map((step) => (
          <li key={step.href}>
            <Link href={step.href}>{step.text}</Link>
          </li>
        ))}
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}
