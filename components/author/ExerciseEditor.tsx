'use client';
// The exercise authoring page's interactive part: the YAML editor (CodeMirror, loaded only
// here), its problems, save with conflict handling (the refused second save shows a diff and
// loses nothing), "Try it" (a sandbox from the text as it is, in the learner's workspace),
// "Prove it" (the verify steps streamed as they happen), publish/unpublish and the versions
// with a side-by-side diff and restore.
import dynamic from 'next/dynamic';
import { useRouter } from 'next/navigation';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { AuthorMessages } from '@/messages/author';
import type { LearnMessages } from '@/messages/learn';
import { ExerciseWorkspace } from '../learn/ExerciseWorkspace';
import { Markdown } from '../learn/Markdown';
import type { SandboxForBrowser } from '../learn/types';
import learn from '../learn/learn.module.css';
import { authorCall, AuthorApiError, describeAuthorError, fill, problemText, type DiffRow, type Problem } from './api';
import { DiffTable } from './DiffTable';
import { ProofReport, type ProofEvent } from './ProofReport';
import { VersionHistory, type HistoryVersion } from './VersionHistory';
import styles from './author.module.css';

/** A published version with its YAML (versions are made only by publishing: few, and shown whole). */
export type ExerciseVersionForBrowser = HistoryVersion & { text: string };

const YamlEditor = dynamic(() => import('./YamlEditor'), { ssr: false, loading: () => <pre aria-busy="true">…</pre> });

interface TryReply {
  sandbox: SandboxForBrowser;
  checks: { id: string; title: string; points: number }[];
  tasks: string;
}

export interface ExerciseEditorProps {
  /** Present when editing; absent when creating in `lessonId`. */
  exerciseId?: string;
  lessonId?: string;
  fileName: string;
  initialYaml: string;
  revision: number;
  editable: boolean;
  state: 'draft' | 'published' | 'archived';
  publishedVersion: number | null;
  versions: ExerciseVersionForBrowser[];
  locale: 'en' | 'zh-CN';
  m: AuthorMessages['exercise'];
  stateNames: AuthorMessages['list']['states'];
  errors: AuthorMessages['errors'];
  lm: LearnMessages;
}

export function ExerciseEditor(props: ExerciseEditorProps) {
  const { m } = props;
  const router = useRouter();
  const [text, setText] = useState(props.initialYaml);
  const [savedText, setSavedText] = useState(props.initialYaml);
  const [revision, setRevision] = useState(props.revision);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [replaceWith, setReplaceWith] = useState<{ text: string; nonce: number } | undefined>();
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<{ text: string; revision: number; diff: DiffRow[] } | null>(null);
  const [state, setState] = useState(props.state);
  const [publishedVersion, setPublishedVersion] = useState(props.publishedVersion);
  const [trying, setTrying] = useState<(TryReply & { key: number }) | null>(null);
  const [tryError, setTryError] = useState<string | null>(null);
  const [proof, setProof] = useState<{ events: ProofEvent[]; running: boolean; text: string } | null>(null);
  const textRef = useRef(text);
  textRef.current = text;

  const validate = useCallback(
    (yaml: string) => authorCall<{ problems: Problem[] }>('POST', '/api/instructor/validate', { yaml, file: props.fileName }).then((r) => r.problems),
    [props.fileName],
  );
  const replaceText = (next: string) => {
    setText(next);
    setReplaceWith({ text: next, nonce: Date.now() });
  };

  async function create() {
    setError(null);
    try {
      const { id } = await authorCall<{ id: string }>('POST', '/api/instructor/exercises', { lessonId: props.lessonId, yaml: text });
      router.push(`/instructor/exercises/${id}`);
    } catch (e) {
      if (e instanceof AuthorApiError && e.problems.length) setProblems(e.problems);
      setError(describeAuthorError(e, props.errors));
    }
  }

  async function save(base = revision) {
    setError(null);
    setStatus(null);
    const sent = text;
    try {
      const saved = await authorCall<{ revision: number; problems: Problem[] }>('PUT', `/api/instructor/exercises/${props.exerciseId}`, { yaml: sent, baseRevision: base });
      setRevision(saved.revision);
      setSavedText(sent);
      setConflict(null);
      setProblems(saved.problems);
      setStatus(fill(saved.problems.length ? m.savedWithProblems : m.saved, { revision: saved.revision }));
    } catch (e) {
      if (e instanceof AuthorApiError && e.code === 'CONFLICT' && e.current) setConflict({ ...e.current, diff: e.diff });
      setError(describeAuthorError(e, props.errors));
    }
  }

  function takeTheirs() {
    if (!conflict) return;
    replaceText(conflict.text);
    setSavedText(conflict.text);
    setRevision(conflict.revision);
    setConflict(null);
    setError(null);
  }

  const openTry = useCallback(async (): Promise<TryReply> => {
    return authorCall<TryReply>('POST', `/api/instructor/exercises/${props.exerciseId}/try`, { yaml: textRef.current });
  }, [props.exerciseId]);

  async function startTry() {
    setTryError(null);
    try {
      const reply = await openTry();
      setTrying({ ...reply, key: Date.now() });
    } catch (e) {
      if (e instanceof AuthorApiError && e.problems.length) setProblems(e.problems);
      setTryError(describeAuthorError(e, props.errors));
    }
  }
  const tryDraft = useMemo(() => ({ openSandbox: async () => (await openTry()).sandbox }), [openTry]);

  async function prove() {
    const proved = text;
    setProof({ events: [], running: true, text: proved });
    setError(null);
    try {
      const response = await fetch(`/api/instructor/exercises/${props.exerciseId}/prove`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ yaml: proved }),
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; problems?: Problem[] } } | null;
        throw new AuthorApiError(response.status, body?.error?.code ?? `http_${response.status}`, body?.error?.message ?? response.statusText, body?.error?.problems ?? []);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        const events = lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as ProofEvent);
        if (events.length) setProof((p) => (p ? { ...p, events: [...p.events, ...events] } : p));
      }
    } catch (e) {
      if (e instanceof AuthorApiError && e.problems.length) setProblems(e.problems);
      setError(describeAuthorError(e, props.errors));
    } finally {
      setProof((p) => (p ? { ...p, running: false } : p));
    }
  }

  async function changeState(action: 'publish' | 'unpublish' | 'archive') {
    setError(null);
    setStatus(null);
    try {
      const reply = await authorCall<{ state: 'draft' | 'published' | 'archived'; version?: number }>('POST', `/api/instructor/exercises/${props.exerciseId}/state`, { action });
      setState(reply.state);
      setPublishedVersion(reply.version ?? null);
      setStatus(reply.state === 'published' ? fill(m.publishedNow, { version: reply.version ?? 0 }) : reply.state === 'archived' ? m.archivedNow : m.unpublishedNow);
      router.refresh();
    } catch (e) {
      setError(describeAuthorError(e, props.errors));
    }
  }

  async function restore(version: ExerciseVersionForBrowser) {
    setError(null);
    try {
      const saved = await authorCall<{ revision: number }>('POST', `/api/instructor/exercises/${props.exerciseId}/restore`, { versionId: version.id, baseRevision: revision });
      replaceText(version.text);
      setSavedText(version.text);
      setRevision(saved.revision);
      setStatus(fill(m.restored, { version: version.version, revision: saved.revision }));
    } catch (e) {
      if (e instanceof AuthorApiError && e.code === 'CONFLICT' && e.current) setConflict({ ...e.current, diff: e.diff });
      setError(describeAuthorError(e, props.errors));
    }
  }

  const creating = props.exerciseId === undefined;
  const proofDone = proof?.events.find((e) => e.type === 'done');
  const copyLabels = { copy: props.lm.lesson.copy, copied: props.lm.lesson.copied, label: props.lm.lesson.copyLabel };
  return (
    <div className={learn.stack}>
      <section aria-labelledby="editor-title">
        <h2 id="editor-title">{m.editorLabel}</h2>
        <p id="editor-help">{props.editable ? m.editorHelp : null}</p>
        {!creating ? (
          <p data-testid="exercise-state">
            {fill(m.state, { state: props.stateNames[state] })} {publishedVersion ? fill(m.version, { version: publishedVersion }) : null}
          </p>
        ) : null}
        <div className={styles.editorBox}>
          <YamlEditor
            initial={props.initialYaml}
            replaceWith={replaceWith}
            onChange={setText}
            validate={validate}
            onProblems={setProblems}
            labelledBy="editor-title"
            describedBy="editor-help"
            readOnly={!props.editable}
          />
        </div>
        <h3>{m.problemsTitle}</h3>
        {problems.length === 0 ? (
          <p data-testid="no-problems">{m.noProblems}</p>
        ) : (
          <ul className={styles.problems} data-testid="problems">
            {problems.map((p, i) => (
              <li key={i}>{problemText(p)}</li>
            ))}
          </ul>
        )}
        {error ? (
          <p className={learn.alert} role="alert" data-testid="editor-error">
            {error}
          </p>
        ) : null}
        {conflict ? (
          <div data-testid="conflict">
            <h3>{m.conflictTitle}</h3>
            <p>{fill(m.conflictBody, { revision: conflict.revision })}</p>
            <DiffTable rows={conflict.diff} left={m.diffLeft} right={m.diffRight} />
            <div className={learn.toolbar}>
              <button type="button" className={learn.button} onClick={() => void save(conflict.revision)}>
                {m.keepMine}
              </button>
              <button type="button" className={`${learn.button} ${learn.buttonSecondary}`} onClick={takeTheirs}>
                {m.takeTheirs}
              </button>
            </div>
          </div>
        ) : null}
        <p role="status" aria-live="polite" data-testid="editor-status">
          {status}
        </p>
        {props.editable ? (
          <div className={learn.toolbar}>
            {creating ? (
              <button type="button" className={learn.button} onClick={() => void create()}>
                {m.create}
              </button>
            ) : (
              <>
                <button type="button" className={learn.button} onClick={() => void save()}>
                  {m.save}
                </button>
                {state === 'published' ? (
                  <button type="button" className={`${learn.button} ${learn.buttonSecondary}`} onClick={() => void changeState('unpublish')}>
                    {m.unpublish}
                  </button>
                ) : null}
                <button type="button" className={`${learn.button} ${learn.buttonSecondary}`} onClick={() => void changeState('publish')}>
                  {m.publish}
                </button>
                {state !== 'archived' ? (
                  <button type="button" className={`${learn.button} ${learn.buttonSecondary}`} onClick={() => void changeState('archive')}>
                    {m.archive}
                  </button>
                ) : null}
              </>
            )}
          </div>
        ) : null}
      </section>

      {!creating ? (
        <>
          <section aria-labelledby="prove-title">
            <h2 id="prove-title">{m.proveTitle}</h2>
            <p>{m.proveLead}</p>
            <button type="button" className={learn.button} onClick={() => void prove()} disabled={proof?.running}>
              {proof?.running ? m.proving : m.proveStart}
            </button>
            {proof ? <ProofReport events={proof.events} running={proof.running} m={m} /> : null}
            {proofDone?.type === 'done' && proofDone.passed && proof && proof.text !== savedText ? <p className="notice">{m.proveUnsaved}</p> : null}
          </section>

          <section aria-labelledby="try-title">
            <h2 id="try-title">{m.tryTitle}</h2>
            <p>{m.tryLead}</p>
            <button type="button" className={learn.button} onClick={() => void startTry()}>
              {trying ? m.tryAgain : m.tryStart}
            </button>
            {tryError ? (
              <p className={learn.alert} role="alert">
                {tryError}
              </p>
            ) : null}
            {trying ? (
              <ExerciseWorkspace
                key={trying.key}
                exerciseRef={props.fileName}
                locale={props.locale}
                initialSandbox={trying.sandbox}
                checks={trying.checks.map((c) => ({ ...c, hintCount: 0, revealedHints: [] }))}
                lastRun={null}
                history={[]}
                solution={null}
                tasks={<Markdown source={trying.tasks} copyLabels={copyLabels} headingOffset={2} idPrefix="task" />}
                m={props.lm.exercise}
                tryDraft={tryDraft}
              />
            ) : null}
          </section>

          <VersionHistory
            id="exercise-history"
            versions={props.versions}
            editing={text}
            textOf={(v) => v.text}
            onError={(e) => setError(describeAuthorError(e, props.errors))}
            editable={props.editable}
            locale={props.locale}
            labels={m}
            onRestore={(v) => void restore(v)}
          />
        </>
      ) : null}
    </div>
  );
}
