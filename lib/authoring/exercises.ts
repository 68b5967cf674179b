// The rules of exercises written in the browser, on the database:
// - a draft is the author's YAML as typed; every save names the revision it started from and is
//   refused (CONFLICT, with what is stored now) when another save landed first, so nothing is lost;
// - a published version is immutable; publishing makes one from the draft, and is refused unless
//   "Prove it" passed on exactly that text (sha256); the same content never makes a second copy;
// - unpublishing hides the exercise from learners; attempts keep the versions they were made on;
// - archiving retires it (hidden from learners, listed as archived); publishing brings it back;
// - restoring an old version brings its text back as the draft (a normal, concurrency-checked save);
// - exercises from exercises/ (origin "files") are the repository's: read-only here.
import type { Exercise as ExerciseSpec } from '@kubelab/exercise-format';
import type { Db } from '../db';
import { specHash } from '../content/sync';
import { AuthoringError } from './errors';
import { checkExerciseYaml, exerciseFileName, yamlHash } from './exercise-yaml';

export type ExerciseState = 'draft' | 'published' | 'archived';

export function exerciseState(row: { archived: boolean; currentVersionId: string | null }): ExerciseState {
  if (row.archived) return 'archived';
  return row.currentVersionId ? 'published' : 'draft';
}

async function editorExercise(db: Db, exerciseId: string) {
  const row = await db.exercise.findUnique({
    where: { id: exerciseId },
    include: { lesson: { select: { slug: true, course: { select: { slug: true } } } } },
  });
  if (!row) throw new AuthoringError('NOT_FOUND', 'no such exercise');
  if (row.origin !== 'editor') throw new AuthoringError('FILES_OWNED', `exercise "${row.ref}" comes from exercises/: edit its file in the repository`);
  return row;
}

function validSpec(text: string, fileName: string): ExerciseSpec {
  const checked = checkExerciseYaml(text, fileName);
  if (!checked.ok) throw new AuthoringError('INVALID', `${fileName} is not a valid exercise`, { problems: checked.problems });
  return checked.spec;
}

/** Creates an editor exercise in a lesson from valid YAML; its id must be free everywhere. */
export async function createExercise(db: Db, input: { lessonId: string; yaml: string }) {
  const lesson = await db.lesson.findUnique({ where: { id: input.lessonId }, include: { course: { select: { slug: true } } } });
  if (!lesson) throw new AuthoringError('NOT_FOUND', 'no such lesson');
  if (lesson.origin !== 'editor') throw new AuthoringError('FILES_OWNED', `lesson "${lesson.slug}" comes from exercises/: add exercises to it in the repository`);
  const spec = validSpec(input.yaml, exerciseFileName(lesson.course.slug, lesson.slug, 'new-exercise'));
  if (await db.exercise.findUnique({ where: { ref: spec.id }, select: { id: true } })) {
    throw new AuthoringError('ID_TAKEN', `an exercise with id "${spec.id}" already exists`);
  }
  const last = await db.exercise.findFirst({ where: { lessonId: lesson.id }, orderBy: { position: 'desc' }, select: { position: true } });
  return db.exercise.create({
    data: {
      ref: spec.id,
      slug: spec.id,
      lessonId: lesson.id,
      title: spec.title,
      position: (last?.position ?? 0) + 1,
      origin: 'editor',
      draftYaml: input.yaml,
      draftHash: yamlHash(input.yaml),
      draftRevision: 1,
      draftUpdatedAt: new Date(),
    },
  });
}

export interface SavedDraft {
  revision: number;
  hash: string;
  /** Problems in the saved text: a draft is kept even when invalid, so nothing typed is lost. */
  problems: readonly import('@kubelab/exercise-format').FormatProblem[];
}

/**
 * Saves the draft text if `baseRevision` is still the stored revision; otherwise CONFLICT with
 * the stored text. Invalid YAML is saved too (with its problems); a changed id is refused.
 */
export async function saveExerciseDraft(db: Db, input: { exerciseId: string; yaml: string; baseRevision: number }): Promise<SavedDraft & { ref: string }> {
  const row = await editorExercise(db, input.exerciseId);
  const fileName = exerciseFileName(row.lesson.course.slug, row.lesson.slug, row.ref);
  const checked = checkExerciseYaml(input.yaml, fileName);
  if (checked.ok && checked.spec.id !== row.ref) {
    throw new AuthoringError('ID_CHANGED', `the id of this exercise is "${row.ref}" and cannot change (found "${checked.spec.id}")`);
  }
  const hash = yamlHash(input.yaml);
  const revision = input.baseRevision + 1;
  const { count } = await db.exercise.updateMany({
    where: { id: row.id, draftRevision: input.baseRevision },
    data: {
      draftYaml: input.yaml,
      draftHash: hash,
      draftRevision: revision,
      draftUpdatedAt: new Date(),
      ...(checked.ok ? { title: checked.spec.title } : {}),
    },
  });
  if (count === 0) {
    const current = await db.exercise.findUniqueOrThrow({ where: { id: row.id }, select: { draftYaml: true, draftRevision: true } });
    throw new AuthoringError('CONFLICT', `someone else saved this exercise first (revision ${current.draftRevision}); your text is kept, compare and save again`, {
      current: { text: current.draftYaml ?? '', revision: current.draftRevision },
    });
  }
  return { revision, hash, problems: checked.ok ? [] : checked.problems, ref: row.ref };
}

/** Records one "Prove it" run of `yaml` (passed or not) for the exercise. */
export async function recordProof(db: Db, input: { exerciseId: string; yaml: string; passed: boolean; report: unknown; userId: string }) {
  return db.exerciseProof.create({
    data: { exerciseId: input.exerciseId, yamlHash: yamlHash(input.yaml), passed: input.passed, report: input.report as object, userId: input.userId },
  });
}

/** Whether "Prove it" passed on exactly this text. */
export async function provedHash(db: Db, exerciseId: string, hash: string): Promise<boolean> {
  return (await db.exerciseProof.count({ where: { exerciseId, yamlHash: hash, passed: true } })) > 0;
}

/**
 * Publishes the stored draft as the version learners get. Refused unless the draft is valid and
 * proved; the same content as an existing version makes that version current again.
 */
export async function publishExercise(db: Db, input: { exerciseId: string; userId: string }) {
  const row = await editorExercise(db, input.exerciseId);
  const text = row.draftYaml ?? '';
  const spec = validSpec(text, exerciseFileName(row.lesson.course.slug, row.lesson.slug, row.ref));
  const hash = yamlHash(text);
  if (!(await provedHash(db, row.id, hash))) {
    throw new AuthoringError('NOT_PROVED', 'run "Prove it" on this exact text and see it pass before publishing');
  }
  return db.$transaction(async (tx) => {
    const contentHash = specHash({ spec, yaml: text });
    let version = await tx.exerciseVersion.findUnique({ where: { exerciseId_contentHash: { exerciseId: row.id, contentHash } } });
    if (!version) {
      const last = await tx.exerciseVersion.findFirst({ where: { exerciseId: row.id }, orderBy: { version: 'desc' }, select: { version: true } });
      version = await tx.exerciseVersion.create({
        data: { exerciseId: row.id, version: (last?.version ?? 0) + 1, contentHash, spec: spec as object, yaml: text, source: 'editor', publishedById: input.userId },
      });
    }
    await tx.exercise.update({ where: { id: row.id }, data: { currentVersionId: version.id, title: spec.title, archived: false } });
    return { ...version, ref: row.ref };
  });
}

/** Takes the exercise away from learners; versions, attempts and progress stay. */
export async function unpublishExercise(db: Db, exerciseId: string) {
  const row = await editorExercise(db, exerciseId);
  if (!row.currentVersionId) throw new AuthoringError('NOT_PUBLISHED', `exercise "${row.ref}" is not published`);
  await db.exercise.update({ where: { id: row.id }, data: { currentVersionId: null } });
  return row;
}

/** Retires the exercise: learners no longer see it, the list shows it archived; publishing brings it back. */
export async function archiveExercise(db: Db, exerciseId: string) {
  const row = await editorExercise(db, exerciseId);
  await db.exercise.update({ where: { id: row.id }, data: { archived: true } });
  return row;
}

/** Brings an old version's text back as the draft (a save like any other: concurrency-checked). */
export async function restoreVersion(db: Db, input: { exerciseId: string; versionId: string; baseRevision: number }) {
  const version = await db.exerciseVersion.findFirst({ where: { id: input.versionId, exerciseId: input.exerciseId } });
  if (!version?.yaml) throw new AuthoringError('NOT_FOUND', 'no such version of this exercise');
  const saved = await saveExerciseDraft(db, { exerciseId: input.exerciseId, yaml: version.yaml, baseRevision: input.baseRevision });
  return { ...saved, restored: version.version };
}
