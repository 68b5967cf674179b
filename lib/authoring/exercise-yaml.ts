// An exercise as an author types it: the raw YAML text (kept byte for byte, so exports never
// rewrite comments or key order), validated by the one exercise-format schema with every
// problem located at file:line:column.
import { createHash } from 'node:crypto';
import { ExerciseFormatError, parseYamlWith, exerciseSchema, type Exercise, type FormatProblem } from '@kubelab/exercise-format';

export type ExerciseYamlCheck = { ok: true; spec: Exercise } | { ok: false; problems: readonly FormatProblem[] };

/** The sha256 of the text: what "Prove it" records and publishing compares. */
export function yamlHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The file an exercise lives in under exercises/: `<course>/<lesson>/<id>.yaml`. */
export function exerciseFileName(course: string, lesson: string, id: string): string {
  return `${course}/${lesson}/${id}.yaml`;
}

export function checkExerciseYaml(text: string, fileName: string): ExerciseYamlCheck {
  try {
    return { ok: true, spec: parseYamlWith(exerciseSchema, text, fileName).value };
  } catch (error) {
    if (error instanceof ExerciseFormatError) return { ok: false, problems: error.problems };
    throw error;
  }
}
