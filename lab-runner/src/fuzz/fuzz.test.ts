// A seeded slice of the fuzzer in every `npm test`: the same generator and oracle as
// `npm run fuzz`, against a real runner process and its embedded API server, 500 inputs of a
// fixed seed. Any crash or unexpected error fails the test with the input's seed and index,
// to replay with `npm run fuzz -- --seed 7 --only <index>`.

import { describe, expect, it } from 'vitest';
import { runFuzz, summary } from './fuzzer.js';
import { generateInput } from './inputs.js';
import { Random } from './random.js';

const SEED = 7;
const INPUTS = 500;

describe('fuzzer', () => {
  it('generates the same input for the same seed and index, whatever ran before', () => {
    const first = JSON.stringify(generateInput(new Random(SEED, 123)));
    for (let i = 0; i < 50; i++) generateInput(new Random(SEED, i));
    expect(JSON.stringify(generateInput(new Random(SEED, 123)))).toBe(first);
    expect(JSON.stringify(generateInput(new Random(SEED + 1, 123)))).not.toBe(first);
  });

  it(`${INPUTS} inputs of seed ${SEED}: no crash, no unexpected error`, { timeout: 900_000 }, async () => {
    const lines: string[] = [];
    const result = await runFuzz({ inputs: INPUTS, seed: SEED, log: (line) => lines.push(line) });
    console.log(`${summary(result)} in ${Math.round(result.ms / 1000)} s (${Object.entries(result.kinds).map(([k, n]) => `${k} ${n}`).join(', ')})`);
    expect(lines.filter((l) => l.startsWith('CRASH') || l.startsWith('UNEXPECTED'))).toEqual([]);
    expect(summary(result)).toBe(`${INPUTS} inputs, 0 crashes, 0 unexpected errors`);
    // Every kind of input ran: a generator change that starves one shows up here.
    expect(Object.keys(result.kinds).sort()).toEqual(['http', 'raw', 'shell', 'stream-spdy', 'stream-ws']);
  });
});
