/**
 * One process per data directory: a LOCK file created with O_EXCL holding the owner's pid. A lock
 * whose pid no longer runs is stale (the owner crashed) and is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreLockedError } from './errors.js';

export interface DirLock {
  release(): void;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function lockDataDir(dataDir: string): DirLock {
  const path = join(dataDir, 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder !== undefined && processRuns(holder)) throw new StoreLockedError(dataDir, holder);
      // Stale (or half-written) lock: its owner is gone. Remove it and try again.
      rmSync(path, { force: true });
    }
  }
  throw new StoreLockedError(dataDir, readHolder(path) ?? 0);
}
