// POST /api/instructor/validate {yaml, file?}: the exercise-format problems of a text, each at
// file:line:column, for the editor's inline errors (the same schema the loader and runner use).
import { z } from 'zod';
import { checkExerciseYaml } from '@/lib/authoring/exercise-yaml';
import { guardAuthor, readBody } from '@/lib/authoring/http';
import { MAX_EXERCISE_YAML_CHARS } from '@/lib/authoring/limits';
import { apiJson } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ yaml: z.string().max(MAX_EXERCISE_YAML_CHARS), file: z.string().max(300).default('exercise.yaml') });

export async function POST(request: Request) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  const checked = checkExerciseYaml(input.body.yaml, input.body.file);
  return apiJson({ problems: checked.ok ? [] : checked.problems });
}
