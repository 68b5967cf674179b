// Validates course content and prints every problem with file, line and field:
// `npm run -s -w @kubelab/exercise-format content:check [-- <exercises dir>]`. Exit code 1 on problems.
import { resolve } from 'node:path';
import { ExerciseFormatError, indexExercises, loadCourses } from './index';

const dir = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..', '..', '..', 'exercises'));
try {
  const courses = await loadCourses(dir);
  const exercises = indexExercises(courses).size;
  const lessons = courses.reduce((n, c) => n + c.lessons.length, 0);
  console.log(`${dir}: ${courses.length} course(s), ${lessons} lesson(s), ${exercises} exercise(s), all valid`);
} catch (error) {
  if (!(error instanceof ExerciseFormatError)) throw error;
  console.error(error.message);
  console.error(`${error.problems.length} problem(s) [${error.code}]`);
  process.exitCode = 1;
}
