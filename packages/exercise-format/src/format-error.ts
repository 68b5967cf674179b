// Every problem found in course content, located so an author can jump to it:
// `exercises/pods/shared-volume/counter.yaml:14:7: checks[2].params.container: expected a string`.

export interface FormatProblem {
  /** The file as it was named to the loader (relative paths stay relative). */
  file: string;
  /** 1-based; absent when the problem concerns the file as a whole (e.g. it is missing). */
  line?: number;
  column?: number;
  /** The field path inside the file, e.g. `checks[2].params.container`; empty for the whole file. */
  path: string;
  message: string;
}

export type ExerciseFormatErrorCode =
  /** A file does not parse or does not match its schema. */
  | 'EXERCISE_FORMAT_INVALID'
  /** Files are fine one by one but do not fit together (missing lesson text, duplicate ids, unlisted exercises). */
  | 'COURSE_CONTENT_INVALID';

export function formatProblem(problem: FormatProblem): string {
  const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

export class ExerciseFormatError extends Error {
  override readonly name = 'ExerciseFormatError';
  readonly code: ExerciseFormatErrorCode;
  readonly problems: readonly FormatProblem[];

  constructor(code: ExerciseFormatErrorCode, problems: readonly FormatProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.code = code;
    this.problems = problems;
  }
}

/** `checks[2].params.container`, `tasks.zh-CN`, `setup.files["/var/log/a.txt"]` */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
