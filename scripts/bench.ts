// `npm run bench`: runs every benchmark (lab-runner/bench/*.ts, bench/*.ts), one at a time so
// they do not disturb each other, and prints their figures. Benchmarks report; they never
// pass or fail on a threshold. `npm run bench -- kubelet` runs only the files matching "kubelet".
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib/paths.js';
import { log, run } from './lib/steps.js';
import { buildImages } from './lib/steps.js';

const filter = process.argv[2];
const dirs = ['lab-runner/bench', 'bench'];
const files = dirs.flatMap((dir) =>
  existsSync(path.join(repoRoot, dir))
    ? readdirSync(path.join(repoRoot, dir))
        .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
        .map((f) => path.join(dir, f))
    : [],
).filter((f) => !filter || f.includes(filter));

if (files.length === 0) {
  log(`no benchmark matches "${filter ?? ''}"`);
  process.exit(1);
}
await buildImages(process.env);
let failures = 0;
for (const file of files) {
  log(`── ${file}`);
  try {
    await run('tsx', [file]);
  } catch (error) {
    failures += 1;
    log(`${file} did not complete: ${(error as Error).message}`);
  }
}
process.exitCode = failures ? 1 : 0;
