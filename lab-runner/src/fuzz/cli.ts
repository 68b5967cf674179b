// `npm run fuzz -- --inputs N --seed S [--only i,j,...]`: fuzzes a real runner and its
// embedded API server on loopback, prints each crash and unexpected error (with the seed and
// input index that replay it), and ends with one line `N inputs, C crashes, U unexpected
// errors`. Exits 1 when C or U is not 0, 2 on bad arguments. `--print` shows the inputs
// (with --only, the ones to replay) without running them.

import { inputAt, runFuzz, summary } from './fuzzer.js';

function parseArgs(argv: string[]): { inputs: number; seed: number; only?: number[]; print: boolean } {
  const out: { inputs: number; seed: number; only?: number[]; print: boolean } = { inputs: 1000, seed: 1, print: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const whole = (v: string | undefined) => {
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${flag} needs a whole number, got ${JSON.stringify(v)}`);
      return Number(v);
    };
    if (flag === '--print') {
      out.print = true;
      continue;
    }
    if (flag === '--inputs') out.inputs = whole(value);
    else if (flag === '--seed') out.seed = whole(value);
    else if (flag === '--only') out.only = (value ?? '').split(',').map((v) => whole(v.trim()));
    else throw new Error(`unknown argument ${flag}; usage: npm run fuzz -- --inputs N --seed S [--only i,j] [--print]`);
    i++;
  }
  return out;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
if (args.print) {
  // The inputs themselves, bodies as text, without running anything.
  for (const index of args.only ?? Array.from({ length: args.inputs }, (_, i) => i)) {
    const input = inputAt(args.seed, index);
    process.stdout.write(`${index}: ${JSON.stringify(input, (_key, value) => (value?.type === 'Buffer' ? Buffer.from(value.data).toString('latin1') : value))}\n`);
  }
  process.exit(0);
}
const result = await runFuzz({ ...args, log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write(`covered: ${Object.entries(result.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}; ${Math.round(result.ms / 1000)} s\n`);
process.stdout.write(`${summary(result)}\n`);
process.exit(result.crashes > 0 || result.unexpected > 0 ? 1 : 0);
