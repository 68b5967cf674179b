// Every state-changing instructor action, done and then recorded in the audit log (who, what,
// when, from where) through lib/admin/audit. The route handlers under app/api/instructor check
// the session (guardAuthor) and call these; nothing here authorizes. An action that is refused
// throws before anything is recorded.
import type { Exercise as ExerciseSpec } from '@kubelab/exercise-format';
import { audit, type AuditActor } from '../admin/audit';
import type { Db } from '../db';
import type { RunnerRegistry } from '../runner/runner-registry';
import { archiveExercise, createExercise, publishExercise, recordProof, restoreVersion, saveExerciseDraft, unpublishExercise } from './exercises';
import { createLesson, lessonRef, publishLesson, restoreLessonVersion, saveLessonDraft, unpublishLesson } from './lessons';
import type { ProofEvent } from './proof-events';
import { openTrySandbox } from './try-sandboxes';
import { courseFiles, exerciseFiles } from './zip-export';
import { importZip } from './zip-import';

export async function createLessonAudited(db: Db, actor: AuditActor, input: Parameters<typeof createLesson>[1]) {
  const lesson = await createLesson(db, input, actor);
  await audit(db, actor, { action: 'lesson.create', target: lessonRef(lesson), detail: { revision: lesson.revision } });
  return lesson;
}

export async function saveLessonAudited(db: Db, actor: AuditActor, input: Parameters<typeof saveLessonDraft>[1]) {
  const saved = await saveLessonDraft(db, input, actor);
  await audit(db, actor, { action: 'lesson.save', target: saved.lesson, detail: { revision: saved.revision } });
  return saved;
}

export async function restoreLessonAudited(db: Db, actor: AuditActor, input: Parameters<typeof restoreLessonVersion>[1]) {
  const saved = await restoreLessonVersion(db, input, actor);
  await audit(db, actor, { action: 'lesson.restore', target: saved.lesson, detail: { restored: saved.restored, revision: saved.revision } });
  return saved;
}

export async function setLessonStateAudited(db: Db, actor: AuditActor, lessonId: string, action: 'publish' | 'unpublish') {
  const lesson = action === 'publish' ? await publishLesson(db, lessonId) : await unpublishLesson(db, lessonId);
  await audit(db, actor, { action: action === 'publish' ? 'lesson.publish' : 'lesson.unpublish', target: lessonRef(lesson), detail: { revision: lesson.revision } });
  return lesson;
}

export async function createExerciseAudited(db: Db, actor: AuditActor, input: Parameters<typeof createExercise>[1]) {
  const exercise = await createExercise(db, input);
  await audit(db, actor, { action: 'exercise.create', target: exercise.ref, detail: { revision: exercise.draftRevision } });
  return exercise;
}

export async function saveExerciseAudited(db: Db, actor: AuditActor, input: Parameters<typeof saveExerciseDraft>[1]) {
  const saved = await saveExerciseDraft(db, input);
  await audit(db, actor, { action: 'exercise.save', target: saved.ref, detail: { revision: saved.revision, hash: saved.hash, valid: saved.problems.length === 0 } });
  return saved;
}

export async function restoreExerciseAudited(db: Db, actor: AuditActor, input: Parameters<typeof restoreVersion>[1]) {
  const saved = await restoreVersion(db, input);
  await audit(db, actor, { action: 'exercise.restore', target: saved.ref, detail: { restored: saved.restored, revision: saved.revision } });
  return saved;
}

export type ExerciseStateAction = 'publish' | 'unpublish' | 'archive';

/** The exercise's new state, and the version learners now get when it was published. */
export async function setExerciseStateAudited(db: Db, actor: AuditActor, exerciseId: string, action: ExerciseStateAction) {
  if (action === 'publish') {
    const version = await publishExercise(db, { exerciseId, userId: actor.id });
    await audit(db, actor, { action: 'exercise.publish', target: version.ref, detail: { version: version.version, contentHash: version.contentHash } });
    return { state: 'published' as const, version: version.version };
  }
  const row = action === 'archive' ? await archiveExercise(db, exerciseId) : await unpublishExercise(db, exerciseId);
  await audit(db, actor, { action: action === 'archive' ? 'exercise.archive' : 'exercise.unpublish', target: row.ref });
  return { state: action === 'archive' ? ('archived' as const) : ('draft' as const) };
}

/**
 * Records a finished "Prove it" run (its outcome against the text's hash, which publishing asks
 * for) and audits it. `ip` is read by the caller while the request was current: a proof ends
 * after its response has started streaming.
 */
export async function recordProofAudited(
  db: Db,
  actor: AuditActor,
  input: { exercise: { id: string; ref: string }; yaml: string; events: ProofEvent[]; ip: string | null },
) {
  const done = input.events.findLast((e) => e.type === 'done');
  const passed = done?.type === 'done' && done.passed;
  const proof = await recordProof(db, { exerciseId: input.exercise.id, yaml: input.yaml, passed, report: input.events, userId: actor.id });
  const problems = done?.type === 'done' ? done.problems : [];
  await audit(db, actor, { action: 'exercise.prove', target: input.exercise.ref, detail: { passed, hash: proof.yamlHash, ...(problems.length ? { problems } : {}) }, ip: input.ip });
  return proof;
}

export async function startTryAudited(db: Db, runners: RunnerRegistry, actor: AuditActor, exercise: { id: string; ref: string }, spec: ExerciseSpec) {
  const started = await openTrySandbox(db, runners, actor.id, exercise.id, spec);
  await audit(db, actor, { action: 'exercise.try', target: exercise.ref, detail: { sandbox: started.row.id } });
  return started;
}

export async function importAudited(db: Db, actor: AuditActor, bytes: Uint8Array, lessonId: string | null) {
  const summary = await importZip(db, bytes, lessonId);
  await audit(db, actor, { action: 'content.import', target: summary.kind === 'course' ? summary.course : summary.exercise, detail: summary });
  return summary;
}

/** The files of a course (by slug) or one exercise (by id) for a zip. */
export async function exportAudited(db: Db, actor: AuditActor, exercisesDir: string, what: { course: string } | { exercise: string }) {
  const { name, files } = 'course' in what ? { name: what.course, files: await courseFiles(db, exercisesDir, what.course) } : await exerciseFiles(db, exercisesDir, what.exercise);
  await audit(db, actor, { action: 'content.export', target: name, detail: { kind: 'course' in what ? 'course' : 'exercise', files: Object.keys(files) } });
  return { name, files };
}
