// "Prove it" events as the web app reads them from the runner's stream (one JSON object per
// line, lab-runner/src/exercises/verify-exercise.ts ProofEvent), parsed at the boundary.
import { z } from 'zod';

const proofCheckSchema = z.object({ id: z.string(), passed: z.boolean(), mustFailBeforeSolution: z.boolean(), ok: z.boolean(), observed: z.string() });

export const proofEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('setup'), ok: z.boolean(), seconds: z.number(), error: z.string().optional() }),
  z.object({ type: z.literal('before'), checks: z.array(proofCheckSchema) }),
  z.object({ type: z.literal('solution'), step: z.string(), ok: z.boolean(), exitCode: z.number().nullable(), output: z.string() }),
  z.object({ type: z.literal('after'), check: proofCheckSchema }),
  z.object({ type: z.literal('done'), passed: z.boolean(), problems: z.array(z.string()), seconds: z.number() }),
]);
export type ProofEvent = z.infer<typeof proofEventSchema>;
export type ProofCheck = z.infer<typeof proofCheckSchema>;

/** Splits a byte stream into parsed events; a line that is not an event ends it with an error. */
export async function* readProofEvents(stream: ReadableStream<Uint8Array>): AsyncGenerator<ProofEvent> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') yield proofEventSchema.parse(JSON.parse(line));
    }
  }
}
