import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Embedded PGlite belongs to one process at a time: a second process opening the same directory (a
 * second server, or `npm run admin:create` while the server runs) would not see the first one's
 * writes and could overwrite them. A lock file holding the owner's pid refuses that with a clear
 * message; a lock left by a process that died is taken over.
 */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (is the server running?). Stop it first, or use PostgreSQL (DATABASE_URL), which many processes can share.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

/** Takes the lock of a PGlite directory for this process; returns its release. Throws {@link DatabaseInUseError}. */
export function lockPgliteDir(dataDir: string): () => void {
  // Beside the directory, not in it: PGlite owns the directory's contents.
  const path = `${resolve(dataDir)}.lock`;
  if (held.has(path)) throw new DatabaseInUseError(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      held.add(path);
      return () => {
        held.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) throw new DatabaseInUseError(dataDir, owner);
    rmSync(path, { force: true });
  }
  throw new Error(`could not lock ${dataDir}`);
}
