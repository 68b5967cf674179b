// POST /api/instructor/exercises/:id/prove {yaml}: "Prove it" on the text in the editor. Relays
// the runner's proof events to the browser as they happen (JSON lines) and records the outcome
// against the text's sha256, which is what publishing asks for. A runner that stops mid-proof
// (a sandbox or the runner dying) ends the stream with a failed "done" event, also recorded.
import { z } from 'zod';
import { db } from '@/lib/db';
import { checkExerciseYaml } from '@/lib/authoring/exercise-yaml';
import { recordProof } from '@/lib/authoring/exercises';
import { AuthoringError } from '@/lib/authoring/errors';
import { authoringFailure, guardAuthor, readBody } from '@/lib/authoring/http';
import { MAX_EXERCISE_YAML_CHARS } from '@/lib/authoring/limits';
import { readProofEvents, type ProofEvent } from '@/lib/authoring/proof-events';
import { runner } from '@/lib/runner';
import { apiError, runnerFailure } from '@/lib/runner/responses';

const bodySchema = z.strictObject({ yaml: z.string().max(MAX_EXERCISE_YAML_CHARS) });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const who = await guardAuthor();
  if (!who.ok) return who.response;
  const input = await readBody(request, bodySchema);
  if (!input.ok) return input.response;
  const exercise = await db().exercise.findUnique({ where: { id: (await params).id }, select: { id: true, ref: true } });
  if (!exercise) return apiError(404, 'NOT_FOUND', 'no such exercise');
  const yaml = input.body.yaml;
  const checked = checkExerciseYaml(yaml, `${exercise.ref}.yaml`);
  if (!checked.ok) return authoringFailure(new AuthoringError('INVALID', 'the exercise is not valid', { problems: checked.problems }));

  const controller = new AbortController();
  request.signal.addEventListener('abort', () => controller.abort(), { once: true });
  let upstream: ReadableStream<Uint8Array>;
  try {
    upstream = await runner().prove(`${who.user.id}:proof`, checked.spec as unknown as Record<string, unknown>, controller.signal);
  } catch (error) {
    return runnerFailure(error);
  }

  const encoder = new TextEncoder();
  const events: ProofEvent[] = [];
  const body = new ReadableStream<Uint8Array>({
    async start(out) {
      const send = (event: ProofEvent) => {
        events.push(event);
        out.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      let done: ProofEvent | undefined;
      try {
        for await (const event of readProofEvents(upstream)) {
          send(event);
          if (event.type === 'done') done = event;
        }
      } catch (error) {
        if (controller.signal.aborted) {
          out.close();
          return;
        }
        send({ type: 'done', passed: false, problems: [`the runner stopped answering during the proof: ${(error as Error).message}`], seconds: 0 });
        done = events.at(-1);
      }
      if (!done) {
        send({ type: 'done', passed: false, problems: ['the runner ended the proof without an outcome (the sandbox or the runner stopped)'], seconds: 0 });
        done = events.at(-1);
      }
      await recordProof(db(), { exerciseId: exercise.id, yaml, passed: done?.type === 'done' && done.passed, report: events, userId: who.user.id });
      out.close();
    },
    cancel() {
      controller.abort();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' } });
}
