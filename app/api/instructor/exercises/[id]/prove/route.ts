// POST /api/instructor/exercises/:id/prove {yaml}: "Prove it" on the text in the editor. Relays
// the runner's proof events to the browser as they happen (JSON lines) and records the outcome
// against the text's sha256, which is what publishing asks for. A runner that stops mid-proof
// (a sandbox or the runner dying) ends the stream with a failed "done" event, also recorded.
// Every run and its outcome goes to the audit log.
import { requestAddress } from '@/lib/admin/audit';
import { db } from '@/lib/db';
import { draftFromRequest } from '@/lib/authoring/http';
import { recordProofAudited } from '@/lib/authoring/instructor-actions';
import { readProofEvents, type ProofEvent } from '@/lib/authoring/proof-events';
import { runners } from '@/lib/runner';
import { createOnBestRunner } from '@/lib/runner/placement';
import { runnerFailure } from '@/lib/runner/responses';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const draft = await draftFromRequest(request, (await params).id);
  if (!draft.ok) return draft.response;
  const { user, exercise, yaml, spec } = draft;
  // Read while the request is current: the outcome is recorded after the response has started.
  const ip = await requestAddress();

  const controller = new AbortController();
  request.signal.addEventListener('abort', () => controller.abort(), { once: true });
  let upstream: ReadableStream<Uint8Array>;
  try {
    // A proof makes a fresh sandbox: it goes where a learner's would.
    ({ value: upstream } = await createOnBestRunner(db(), runners(), (client) => client.prove(`${user.id}:proof`, spec as unknown as Record<string, unknown>, controller.signal)));
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
      let done = false;
      try {
        for await (const event of readProofEvents(upstream)) {
          send(event);
          if (event.type === 'done') done = true;
        }
      } catch (error) {
        if (controller.signal.aborted) {
          out.close();
          return;
        }
        send({ type: 'done', passed: false, problems: [`the runner stopped answering during the proof: ${(error as Error).message}`], seconds: 0 });
        done = true;
      }
      if (!done) {
        send({ type: 'done', passed: false, problems: ['the runner ended the proof without an outcome (the sandbox or the runner stopped)'], seconds: 0 });
      }
      await recordProofAudited(db(), user, { exercise, yaml, events, ip });
      out.close();
    },
    cancel() {
      controller.abort();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' } });
}
