import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStoreContract } from '../api/store/contract.js';
import { SqliteStore } from '../api/store/sqlite.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sqlite-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let ownDir = '';
describeStoreContract('sqlite', async () => new SqliteStore({ dataDir: freshDir() }), {
  restart: {
    watchesSurvive: false,
    async open() {
      ownDir = freshDir();
      return new SqliteStore({ dataDir: ownDir });
    },
    async restart(store) {
      await store.close();
      return new SqliteStore({ dataDir: ownDir });
    },
    async teardown() {},
  },
});
