// `npm run e2e -- [playwright args]`: part of the end-to-end suite (a spec file, `-g <title>`)
// against a throwaway platform, without the rest of `npm test`. Runs after scripts/bootstrap.sh.
import { spawn } from 'node:child_process';
import { withE2ePlatform } from './lib/e2e.js';
import { repoRoot } from './lib/paths.js';

process.exitCode = await withE2ePlatform(
  (env) =>
    new Promise<number>((resolve) => {
      const child = spawn('playwright', ['test', '--reporter=list', ...process.argv.slice(2)], { cwd: repoRoot, env, stdio: 'inherit' });
      child.on('error', () => resolve(127));
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    }),
);
