// Hints are recorded as Reveal rows with one index across the exercise: the checks' hint lists
// laid end to end in check order. These map between that index and (check, hint).
import type { Exercise } from '@kubelab/exercise-format';
import type { Db } from '../db';

export function hintIndex(spec: Pick<Exercise, 'checks'>, checkId: string, index: number): number {
  let offset = 0;
  for (const check of spec.checks) {
    if (check.id === checkId) return offset + index;
    offset += check.hints.length;
  }
  throw new Error(`no check "${checkId}"`);
}

/** The hints a learner revealed, per check id, in order (as LocalizedText). */
export async function revealedHints(db: Db, userId: string, exercise: { id: string; spec: Pick<Exercise, 'checks'> }) {
  const rows = await db.reveal.findMany({ where: { userId, exerciseId: exercise.id, kind: 'hint' }, select: { index: true } });
  const flat = new Set(rows.map((r) => r.index));
  const shown = new Map<string, Exercise['checks'][number]['hints']>();
  let offset = 0;
  for (const check of exercise.spec.checks) {
    const hints: Exercise['checks'][number]['hints'] = [];
    // Only a contiguous run from the first hint counts (one at a time, in order).
    for (let i = 0; i < check.hints.length && flat.has(offset + i); i += 1) hints.push(check.hints[i]!);
    shown.set(check.id, hints);
    offset += check.hints.length;
  }
  return shown;
}

export async function solutionRevealed(db: Db, userId: string, exerciseId: string): Promise<boolean> {
  return (await db.reveal.count({ where: { userId, exerciseId, kind: 'solution' } })) > 0;
}
