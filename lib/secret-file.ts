// Secrets the platform generates for itself (AUTH_SECRET when unset, seeded passwords) live in
// files under the data directory, readable by the owner only (0600).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `content` to `file` with mode 0600 unless it exists; returns what the file holds. */
export function writeSecretOnce(file: string, content: string): { content: string; created: boolean } {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return { content, created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { content: fs.readFileSync(file, 'utf8'), created: false };
  }
}

export const AUTH_SECRET_FILE = 'auth-secret';

/** AUTH_SECRET from the environment, else the one generated once into <dataDir>/auth-secret. */
export function resolveAuthSecret(fromEnv: string | undefined, dataDir: string): string {
  if (fromEnv) return fromEnv;
  // Concurrent first starts race on 'wx': the loser reads the winner's secret.
  return writeSecretOnce(path.join(dataDir, AUTH_SECRET_FILE), randomBytes(32).toString('base64url')).content.trim();
}
