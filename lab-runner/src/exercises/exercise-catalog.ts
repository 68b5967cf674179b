// The exercises a sandbox can be created for: the published ones under exercises/ (loaded
// with the content package's loader, reloaded when an unknown id is asked for) and drafts
// sent whole by the web app (validated by the same schema).

import { exerciseSchema, indexExercises, loadCourses, ExerciseFormatError, type Exercise } from '@kubelab/exercise-format';
import { RunnerError } from '../errors.js';

/** An exercise as the API accepts it: an id from exercises/, or a whole spec (a draft). */
export type ExerciseRef = string | Record<string, unknown>;

export interface ResolvedExercise {
  /** null for a draft */
  id: string | null;
  spec: Exercise;
}

export class ExerciseCatalog {
  private index: Map<string, Exercise> | undefined;
  private loadedAt = 0;

  constructor(
    private readonly dir: string,
    /** How stale the index may be before an unknown id triggers a reload. */
    private readonly reloadAfterMs = 2000,
  ) {}

  async resolve(ref: ExerciseRef): Promise<ResolvedExercise> {
    if (typeof ref !== 'string') {
      const parsed = exerciseSchema.safeParse(ref);
      if (!parsed.success) {
        throw new RunnerError(
          'exercise_invalid',
          `the exercise spec is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'exercise'}: ${i.message}`).join('; ')}`,
          { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
        );
      }
      return { id: null, spec: parsed.data };
    }
    let spec = (await this.load(false)).get(ref);
    if (!spec && Date.now() - this.loadedAt > this.reloadAfterMs) spec = (await this.load(true)).get(ref);
    if (!spec) throw new RunnerError('exercise_not_found', `no exercise with id "${ref}" in ${this.dir}`);
    return { id: ref, spec };
  }

  /** Every published exercise, in course and lesson order. */
  async all(): Promise<Exercise[]> {
    return [...(await this.load(true)).values()];
  }

  private async load(force: boolean): Promise<Map<string, Exercise>> {
    if (this.index && !force) return this.index;
    try {
      const courses = await loadCourses(this.dir);
      this.index = new Map([...indexExercises(courses)].map(([id, loaded]) => [id, loaded.spec]));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.index = new Map();
      else if (error instanceof ExerciseFormatError) {
        throw new RunnerError('exercise_invalid', `the exercises in ${this.dir} do not load: ${error.message}`);
      } else throw error;
    }
    this.loadedAt = Date.now();
    return this.index;
  }
}
