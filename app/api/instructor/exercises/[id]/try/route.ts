// POST /api/instructor/exercises/:id/try {yaml}: a sandbox made from the text in the editor,
// saved or not, for the "Try it" workspace (terminal, live checks, Check): the sandbox, and the
// checks and tasks of that text in the reader's language.
// Recorded in the audit log (lib/authoring/instructor-actions).
import { db } from '@/lib/db';
import { draftFromRequest } from '@/lib/authoring/http';
import { startTryAudited } from '@/lib/authoring/instructor-actions';
import { getI18n } from '@/lib/i18n/server';
import { runners } from '@/lib/runner';
import { apiJson, runnerFailure, sandboxForBrowser } from '@/lib/runner/responses';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const draft = await draftFromRequest(request, (await params).id);
  if (!draft.ok) return draft.response;
  const { user, exercise, spec } = draft;
  try {
    const { row, view } = await startTryAudited(db(), runners(), user, exercise, spec);
    const { locale } = await getI18n();
    return apiJson(
      {
        sandbox: sandboxForBrowser(row.id, view),
        checks: spec.checks.map((c) => ({ id: c.id, title: c.title[locale], points: c.points })),
        tasks: spec.tasks[locale],
      },
      201,
    );
  } catch (error) {
    return runnerFailure(error);
  }
}
