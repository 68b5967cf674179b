import type { z } from 'zod';
import { courseSchema, lessonSchema, type CourseSpec, type LessonSpec } from '@kubelab/exercise-format/course';
import { exerciseSchema, type Exercise } from '@kubelab/exercise-format/exercise';
import { ExerciseFormatError, formatFieldPath, type FormatProblem } from '@kubelab/exercise-format/format-error';
import { describeIssues } from '@kubelab/exercise-format/issue-message';
import { parseYamlSource, type YamlSource } from '@kubelab/exercise-format/yaml-source';

/** A value parsed from a YAML file, with the means to point back into the file. */
export interface Located<T> {
  value: T;
  source: YamlSource;
}

/** Parses YAML text against a schema; throws ExerciseFormatError listing every problem with file, line, column and field. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, fileName: string): Located<z.output<S>> {
  const source = parseYamlSource(text, fileName);
  if (source.syntaxProblems.length > 0) throw new ExerciseFormatError('EXERCISE_FORMAT_INVALID', source.syntaxProblems);
  if (source.data === undefined || source.data === null) {
    throw new ExerciseFormatError('EXERCISE_FORMAT_INVALID', [{ file: fileName, line: 1, column: 1, path: '', message: 'the file is empty' }]);
  }
  const result = schema.safeParse(source.data);
  if (result.success) return { value: result.data, source };
  const problems: FormatProblem[] = describeIssues(result.error.issues, source.data).map((issue) => {
    const { line, column } = source.locate(issue.path, { key: issue.atKey });
    return { file: fileName, line, column, path: formatFieldPath(issue.path), message: issue.message };
  });
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw new ExerciseFormatError('EXERCISE_FORMAT_INVALID', problems);
}

/** Parses an exercise file's text. `fileName` is only used in error messages. */
export function parseExercise(text: string, fileName: string): Exercise {
  return parseYamlWith(exerciseSchema, text, fileName).value;
}

export function parseCourse(text: string, fileName: string): CourseSpec {
  return parseYamlWith(courseSchema, text, fileName).value;
}

export function parseLesson(text: string, fileName: string): LessonSpec {
  return parseYamlWith(lessonSchema, text, fileName).value;
}
