// "Pick up where you left off": the one link to the exercise a learner should open next, shown
// on the home page and the catalogue (the target comes from lib/progress/summary.ts resumeTarget).
import Link from 'next/link';
import { format } from '@/lib/i18n/format';
import type { Locale } from '@/lib/i18n/locale';
import { pick } from '@/lib/content/text';
import type { ResumeTarget } from '@/lib/progress/summary';
import type { LearnMessages } from '@/messages/learn';
import styles from './learn.module.css';

export function ResumeSection({ resume, lm, locale }: { resume: ResumeTarget; lm: LearnMessages; locale: Locale }) {
  return (
    <section className={styles.resume} aria-labelledby="resume-title" data-testid="resume">
      <h2 id="resume-title">{lm.catalogue.resumeTitle}</h2>
      <Link className={styles.button} href={`/exercises/${resume.exerciseRef}`}>
        {format(resume.reason === 'in_progress' ? lm.catalogue.resumeContinue : lm.catalogue.resumeNext, { title: pick(resume.title, locale) })}
      </Link>
    </section>
  );
}
