'use client';
// The exercise YAML editor: CodeMirror 6 with YAML highlighting, completion from the exercise
// schema (lib/authoring/yaml-completion) and inline errors at their line and column from the
// server's validation (the same zod schema the loader and the runner use). Loaded with
// next/dynamic from authoring pages only, so learner pages never carry CodeMirror.
import { useEffect, useRef } from 'react';
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import schema from '@kubelab/exercise-format/exercise.schema.json';
import { completionsAt, type SchemaNode } from '@/lib/authoring/yaml-completion';
import type { Problem } from './api';

export interface YamlEditorProps {
  initial: string;
  /** Replaces the whole text when it changes identity (restore, take theirs). */
  replaceWith?: { text: string; nonce: number };
  onChange: (text: string) => void;
  /** Server-side validation of the text: its located problems. */
  validate: (text: string) => Promise<Problem[]>;
  onProblems: (problems: Problem[]) => void;
  labelledBy: string;
  describedBy: string;
  readOnly?: boolean;
}

function complete(context: CompletionContext): CompletionResult | null {
  const found = completionsAt(context.state.doc.toString(), context.pos, schema as unknown as SchemaNode);
  if (!found || (found.from === context.pos && !context.explicit && !/:\s$|^\s*-?\s*$/.test(context.state.doc.lineAt(context.pos).text))) return null;
  return { from: found.from, options: found.options.map((o) => ({ label: o.label, apply: o.apply, detail: o.detail?.slice(0, 80), type: o.type })) };
}

export default function YamlEditor(props: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (!host.current) return;
    const lint = linter(
      async (v) => {
        const problems = await latest.current.validate(v.state.doc.toString()).catch(() => null);
        if (problems === null) return [];
        latest.current.onProblems(problems);
        const doc = v.state.doc;
        return problems.map((p): Diagnostic => {
          const line = doc.line(Math.min(Math.max(p.line ?? 1, 1), doc.lines));
          const from = Math.min(line.from + Math.max((p.column ?? 1) - 1, 0), line.to);
          return { from, to: Math.max(from + 1, line.to), severity: 'error', message: p.path ? `${p.path}: ${p.message}` : p.message };
        });
      },
      { delay: 400 },
    );
    view.current = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: props.initial,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          lint,
          autocompletion({ override: [complete], activateOnTyping: true }),
          EditorState.readOnly.of(props.readOnly ?? false),
          // Focusable in the tab order, so the scrolling editor is reachable by keyboard (axe:
          // scrollable-region-focusable does not count contenteditable alone).
          EditorView.contentAttributes.of({ tabindex: '0', 'aria-labelledby': props.labelledBy, 'aria-describedby': props.describedBy, 'data-testid': 'yaml-editor' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.current?.destroy();
    // The editor is created once; later text arrives through replaceWith.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || !props.replaceWith) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.replaceWith.text } });
  }, [props.replaceWith]);

  return <div ref={host} />;
}
