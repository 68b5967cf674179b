// The exercise file format, shared by the web app and the lab-runner (consumed as TypeScript source).
export { locales, localeSchema, localizedTextSchema, kebabIdSchema, type Locale, type LocalizedText } from '@kubelab/exercise-format/localized';
export {
  checkKinds,
  checkParamsSchemas,
  containerCommandExpectationSchema,
  containersParamsSchema,
  eventParamsSchema,
  execParamsSchema,
  jsonPathParamsSchema,
  logsParamsSchema,
  nodeFileParamsSchema,
  nodePathSchema,
  podExistsParamsSchema,
  podPhaseParamsSchema,
  podReadyParamsSchema,
  regexSourceSchema,
  restartCountParamsSchema,
  sharedVolumeParamsSchema,
  volumeMountExpectationSchema,
  volumeParamsSchema,
  volumeTypes,
  type CheckKind,
  type CheckParams,
} from '@kubelab/exercise-format/check-params';
export { checkSpecSchema, messagePlaceholderNames, messagePlaceholderValues, type CheckSpec, type CheckSpecOf } from '@kubelab/exercise-format/check-spec';
export { fillPlaceholders, placeholdersIn } from '@kubelab/exercise-format/placeholders';
export { manifestObjects, manifestObjectSchema, manifestSchema, type Manifest, type ManifestObject } from '@kubelab/exercise-format/manifest';
export {
  exerciseSchema,
  exerciseSetupSchema,
  exerciseSolutionSchema,
  quizChoiceSchema,
  quizQuestionSchema,
  quizSchema,
  type Exercise,
  type ExerciseInput,
  type ExerciseSetup,
  type ExerciseSolution,
  type Quiz,
  type QuizQuestion,
} from '@kubelab/exercise-format/exercise';
export { courseSchema, lessonSchema, type CourseSpec, type LessonSpec } from '@kubelab/exercise-format/course';
export { ExerciseFormatError, formatFieldPath, formatProblem, type ExerciseFormatErrorCode, type FormatProblem } from '@kubelab/exercise-format/format-error';
export { parseCourse, parseExercise, parseLesson, parseYamlWith, type Located } from '@kubelab/exercise-format/parse';
export { indexExercises, loadCourse, loadCourses, loadExerciseFile, type LoadedCourse, type LoadedExercise, type LoadedLesson } from '@kubelab/exercise-format/load';
export { findLessonFigures, type LessonFigure } from '@kubelab/exercise-format/lesson-figures';
export { jsonSchemaFiles, renderJsonSchema, type JsonSchemaFileName } from '@kubelab/exercise-format/json-schema';
export { imageMatches, normalizeImageReference, sameImage } from '@kubelab/exercise-format/image-reference';
