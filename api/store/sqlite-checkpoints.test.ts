import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BackgroundCheckpoints } from './sqlite-checkpoints.js';

describe('BackgroundCheckpoints', () => {
  it('reports a thread that cannot do its work, so the store takes checkpoints back', async () => {
    const failed = new Promise<string>((resolve) => void new BackgroundCheckpoints('/nonexistent-berth-dir/berth.db', 10, resolve));
    expect(await failed).toMatch(/directory does not exist|unable to open/i);
  });

  it('reports nothing when it is stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-checkpoints-'));
    const db = new Database(join(dir, 'berth.db'));
    db.pragma('journal_mode = WAL');
    const reasons: string[] = [];
    const checkpoints = new BackgroundCheckpoints(join(dir, 'berth.db'), 10, (reason) => reasons.push(reason));
    await new Promise((r) => setTimeout(r, 100));
    await checkpoints.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    expect(reasons).toEqual([]);
  });
});
