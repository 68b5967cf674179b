// The content sync as the web server runs it once on start: logs one line with what changed,
// and on invalid content logs the located problems and keeps serving the last good content.
import { db } from '../db';
import { ContentSyncError, exercisesDir, syncContentFromDir } from './load-and-sync';

export async function syncContentOnStart(log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  const dir = exercisesDir();
  const started = performance.now();
  try {
    const summary = await syncContentFromDir(db(), dir);
    const ms = Math.round(performance.now() - started);
    if (!summary.changed) {
      log(`[content] ${dir} unchanged (${summary.hash.slice(0, 12)}), ${ms} ms`);
      return;
    }
    log(
      `[content] synced ${summary.courses} courses, ${summary.lessons} lessons, ${summary.exercises} exercises from ${dir} in ${ms} ms` +
        (summary.newVersions.length ? `; new versions: ${summary.newVersions.join(', ')}` : '') +
        (summary.archived.length ? `; archived: ${summary.archived.join(', ')}` : '') +
        (summary.conflicts.length ? `; kept the browser's content, skipped the files of: ${summary.conflicts.join(', ')}` : ''),
    );
  } catch (error) {
    if (error instanceof ContentSyncError) {
      log(`[content] ${error.code}: ${error.message}`);
      return;
    }
    throw error;
  }
}
