import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BackgroundCheckpoints } from './sqlite-checkpoints.js';

describe('BackgroundCheckpoints', () => {
  it('reports a thread that cannot do its work, so the store takes checkpoints back', async () => {
    const failed = new Promise<string>((resolve) => new BackgroundCheckpoints('/nonexistent-berth-dir/berth.db', 1, resolve).wrote(1));
    expect(await failed).toMatch(/directory does not exist|unable to open/i);
  });

  it('checkpoints when asked, and reports nothing when it is stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-checkpoints-'));
    const db = new Database(join(dir, 'berth.db'));
    db.pragma('journal_mode = WAL');
    const reasons: string[] = [];
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000));
    const file = join(dir, 'berth.db');
    const before = statSync(file).size;
    const checkpoints = new BackgroundCheckpoints(file, 100_000, (reason) => reasons.push(reason));
    checkpoints.wrote(50_000); // not yet
    await new Promise((r) => setTimeout(r, 200));
    expect(statSync(file).size).toBe(before);
    checkpoints.wrote(50_000);
    const deadline = Date.now() + 10_000;
    while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(reasons).toEqual([]);
    expect(statSync(file).size).toBeGreaterThan(before + 150_000);
    await checkpoints.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    expect(reasons).toEqual([]);
  });
});
