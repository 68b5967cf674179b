import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, normalize, sep } from 'node:path';
import { courseSchema, lessonSchema, type CourseSpec, type LessonSpec } from '@kubelab/exercise-format/course';
import { exerciseSchema, type Exercise } from '@kubelab/exercise-format/exercise';
import { ExerciseFormatError, type FormatProblem } from '@kubelab/exercise-format/format-error';
import { findLessonFigures, isExternalReference, type LessonFigure } from '@kubelab/exercise-format/lesson-figures';
import { locales, type Locale, type LocalizedText } from '@kubelab/exercise-format/localized';
import { parseYamlWith, type Located } from '@kubelab/exercise-format/parse';

export interface LoadedExercise {
  spec: Exercise;
  /** Path as built from the directory given to the loader. */
  file: string;
  courseId: string;
  lessonId: string;
  /** sha256 of the file's bytes: a new version of the exercise whenever it changes. */
  hash: string;
}

export interface LoadedLesson {
  spec: LessonSpec;
  dir: string;
  /** The lesson text per locale (lesson.<locale>.md). */
  markdown: LocalizedText;
  figures: Record<Locale, LessonFigure[]>;
  exercises: LoadedExercise[];
  /** sha256 over lesson.yaml, both texts and every figure. */
  hash: string;
}

export interface LoadedCourse {
  spec: CourseSpec;
  dir: string;
  lessons: LoadedLesson[];
  /** sha256 over everything the course is made of. */
  hash: string;
}

const sha256 = (...parts: (string | Buffer)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
};

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function fileProblem(file: string, message: string): FormatProblem {
  return { file, path: '', message };
}

/** Loads and validates one exercise file. Throws ExerciseFormatError naming the file, line, column and field. */
export async function loadExerciseFile(path: string): Promise<Exercise> {
  const text = await readText(path);
  if (text === undefined) throw new ExerciseFormatError('EXERCISE_FORMAT_INVALID', [fileProblem(path, 'file not found')]);
  return parseYamlWith(exerciseSchema, text, path).value;
}

/** Collects problems from one step so that one load reports everything wrong at once. */
class ProblemList {
  readonly problems: FormatProblem[] = [];
  formatErrorSeen = false;

  add(problem: FormatProblem): void {
    this.problems.push(problem);
  }

  /** Runs a parse; on ExerciseFormatError records its problems and returns undefined. */
  attempt<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ExerciseFormatError)) throw error;
      this.formatErrorSeen ||= error.code === 'EXERCISE_FORMAT_INVALID';
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    throw new ExerciseFormatError(this.formatErrorSeen ? 'EXERCISE_FORMAT_INVALID' : 'COURSE_CONTENT_INVALID', this.problems);
  }
}

interface ExerciseEntry {
  loaded: LoadedExercise;
  located: Located<Exercise>;
}

/**
 * Loads `<dir>/course.yaml`, its lessons in order (lesson.yaml, lesson.zh-CN.md, lesson.en.md,
 * the figures they reference) and every exercise the lessons list. Throws one
 * ExerciseFormatError listing every problem found.
 */
export async function loadCourse(dir: string): Promise<LoadedCourse> {
  const problems = new ProblemList();
  const loaded = await loadCourseInto(dir, problems);
  reportDuplicateExercises(loaded?.exercises ?? [], problems);
  problems.throwIfAny();
  return (loaded as { course: LoadedCourse }).course;
}

/** Loads every course under `rootDir` (each folder holding a course.yaml); exercise ids must be unique across all. */
export async function loadCourses(rootDir: string): Promise<LoadedCourse[]> {
  const problems = new ProblemList();
  const entries = await readdir(rootDir, { withFileTypes: true });
  const courses: { course: LoadedCourse; exercises: ExerciseEntry[] }[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(rootDir, entry.name);
    if ((await readText(join(dir, 'course.yaml'))) === undefined) continue;
    const loaded = await loadCourseInto(dir, problems);
    if (loaded !== undefined) courses.push(loaded);
  }
  reportDuplicateExercises(
    courses.flatMap((c) => c.exercises),
    problems,
  );
  problems.throwIfAny();
  return courses.map((c) => c.course);
}

/** Every exercise of the given courses by id. */
export function indexExercises(courses: readonly LoadedCourse[]): Map<string, LoadedExercise> {
  const index = new Map<string, LoadedExercise>();
  for (const course of courses) {
    for (const lesson of course.lessons) for (const exercise of lesson.exercises) index.set(exercise.spec.id, exercise);
  }
  return index;
}

function reportDuplicateExercises(entries: readonly ExerciseEntry[], problems: ProblemList): void {
  const firstFile = new Map<string, string>();
  for (const { loaded, located } of entries) {
    const first = firstFile.get(loaded.spec.id);
    if (first === undefined) {
      firstFile.set(loaded.spec.id, loaded.file);
      continue;
    }
    const { line, column } = located.source.locate(['id']);
    problems.add({ file: loaded.file, line, column, path: 'id', message: `duplicate exercise id "${loaded.spec.id}" (also in ${first})` });
  }
}

async function loadCourseInto(
  dir: string,
  problems: ProblemList,
): Promise<{ course: LoadedCourse; exercises: ExerciseEntry[] } | undefined> {
  const courseFile = join(dir, 'course.yaml');
  const courseText = await readText(courseFile);
  if (courseText === undefined) {
    problems.add(fileProblem(courseFile, 'file not found'));
    return undefined;
  }
  const course = problems.attempt(() => parseYamlWith(courseSchema, courseText, courseFile));
  if (course === undefined) return undefined;
  const folder = basename(normalize(dir));
  if (course.value.id !== folder) {
    const { line, column } = course.source.locate(['id']);
    problems.add({ file: courseFile, line, column, path: 'id', message: `must equal the folder name "${folder}"` });
  }

  const lessons: LoadedLesson[] = [];
  const exercises: ExerciseEntry[] = [];
  for (const [index, lessonId] of course.value.lessons.entries()) {
    const lessonDir = join(dir, lessonId);
    const lesson = await loadLessonInto(lessonDir, index + 1, course.value.id, problems);
    if (lesson === undefined) {
      if ((await readText(join(lessonDir, 'lesson.yaml'))) === undefined) {
        const { line, column } = course.source.locate(['lessons', index]);
        problems.add({ file: courseFile, line, column, path: `lessons[${index}]`, message: `no lesson folder "${lessonId}" with a lesson.yaml` });
      }
      continue;
    }
    lessons.push(lesson.lesson);
    exercises.push(...lesson.exercises);
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !course.value.lessons.includes(entry.name) && (await readText(join(dir, entry.name, 'lesson.yaml'))) !== undefined) {
      problems.add(fileProblem(join(dir, entry.name, 'lesson.yaml'), `lesson "${entry.name}" is not listed in ${courseFile}`));
    }
  }
  const hash = sha256(courseText, ...lessons.map((l) => l.hash), ...exercises.map((e) => e.loaded.hash));
  return { course: { spec: course.value, dir, lessons, hash }, exercises };
}

async function loadLessonInto(
  dir: string,
  order: number,
  courseId: string,
  problems: ProblemList,
): Promise<{ lesson: LoadedLesson; exercises: ExerciseEntry[] } | undefined> {
  const lessonFile = join(dir, 'lesson.yaml');
  const lessonText = await readText(lessonFile);
  if (lessonText === undefined) return undefined;
  const lesson = problems.attempt(() => parseYamlWith(lessonSchema, lessonText, lessonFile));
  if (lesson === undefined) return undefined;
  const folder = basename(normalize(dir));
  if (lesson.value.id !== folder) {
    const { line, column } = lesson.source.locate(['id']);
    problems.add({ file: lessonFile, line, column, path: 'id', message: `must equal the folder name "${folder}"` });
  }
  if (lesson.value.order !== order) {
    const { line, column } = lesson.source.locate(['order']);
    problems.add({ file: lessonFile, line, column, path: 'order', message: `is ${lesson.value.order} but the course lists this lesson at position ${order}` });
  }

  const hashParts: (string | Buffer)[] = [lessonText];
  const markdown: Partial<Record<Locale, string>> = {};
  const figures: Record<Locale, LessonFigure[]> = { 'zh-CN': [], en: [] };
  for (const locale of locales) {
    const markdownFile = join(dir, `lesson.${locale}.md`);
    const text = await readText(markdownFile);
    if (text === undefined || text.trim() === '') {
      problems.add(fileProblem(markdownFile, text === undefined ? `missing: the ${locale} text of lesson "${lesson.value.id}"` : 'the lesson text is empty'));
      continue;
    }
    markdown[locale] = text;
    hashParts.push(text);
    for (const figure of findLessonFigures(text)) {
      figures[locale].push(figure);
      const at = { file: markdownFile, line: figure.line, column: figure.column, path: '' };
      if (figure.alt === '') problems.add({ ...at, message: `image "${figure.src}" has no alt text` });
      if (isExternalReference(figure.src)) {
        problems.add({ ...at, message: `image "${figure.src}" points outside the lesson folder; put the file beside the lesson` });
        continue;
      }
      const target = normalize(join(dir, figure.src));
      if (!target.startsWith(normalize(dir) + sep)) {
        problems.add({ ...at, message: `image "${figure.src}" points outside the lesson folder` });
        continue;
      }
      const content = await readText(target);
      if (content === undefined) problems.add({ ...at, message: `image "${figure.src}" not found` });
      else {
        hashParts.push(content);
        if (target.endsWith('.svg') && !/<svg[\s>]/.test(content)) problems.add({ ...at, message: `"${figure.src}" is not an SVG image` });
      }
    }
  }

  const exercises: ExerciseEntry[] = [];
  for (const [index, exerciseId] of lesson.value.exercises.entries()) {
    const file = join(dir, `${exerciseId}.yaml`);
    const text = await readText(file);
    if (text === undefined) {
      const { line, column } = lesson.source.locate(['exercises', index]);
      problems.add({ file: lessonFile, line, column, path: `exercises[${index}]`, message: `no exercise file ${exerciseId}.yaml in ${dir}` });
      continue;
    }
    const located = problems.attempt(() => parseYamlWith(exerciseSchema, text, file));
    if (located === undefined) continue;
    if (located.value.id !== exerciseId) {
      const { line, column } = located.source.locate(['id']);
      problems.add({ file, line, column, path: 'id', message: `must equal the file name "${exerciseId}"` });
    }
    const loaded: LoadedExercise = { spec: located.value, file, courseId, lessonId: lesson.value.id, hash: sha256(text) };
    exercises.push({ loaded, located });
    hashParts.push(loaded.hash);
  }
  for (const entry of await readdir(dir)) {
    const id = entry.endsWith('.yaml') ? entry.slice(0, -'.yaml'.length) : undefined;
    if (id !== undefined && id !== 'lesson' && !lesson.value.exercises.includes(id)) {
      problems.add(fileProblem(join(dir, entry), `exercise "${id}" is not listed in ${lessonFile}`));
    }
  }

  if (markdown['zh-CN'] === undefined || markdown.en === undefined) return undefined;
  return {
    lesson: {
      spec: lesson.value,
      dir,
      markdown: { 'zh-CN': markdown['zh-CN'], en: markdown.en },
      figures,
      exercises: exercises.map((e) => e.loaded),
      hash: sha256(...hashParts),
    },
    exercises,
  };
}
