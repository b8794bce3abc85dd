/**
 * The installation's identity (api/store/installation.ts) on both store backends, and as the API
 * serves it to agents (GET /apis/berth.dev/v1/installation).
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client/errors.js';
import { HttpClient } from '../api/client/http-client.js';
import { LocalClient } from '../api/client/local-client.js';
import { sysKeys } from '../api/keys.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { InstallationRecordError } from '../api/store/errors.js';
import { ensureInstallation } from '../api/store/installation.js';
import { SqliteStore } from '../api/store/sqlite.js';
import { startApi } from './api-harness.js';
import { scratchDirs, testStoreBackends } from './support/stores.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(testStoreBackends)('installation identity on %s', (_name, open) => {
  it('is made once: later and concurrent asks (several servers opening one new store) all get the same uid', async () => {
    const backend = await open();
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => ensureInstallation(backend.store)));
      const [first] = answers;
      expect(first?.uid).toMatch(UUID);
      for (const a of answers) expect(a).toEqual(first);
      expect(await ensureInstallation(backend.store)).toEqual(first);
      expect(await new LocalClient(new ResourceStore(backend.store)).installation()).toBe(first?.uid);
    } finally {
      await backend.dispose();
    }
  });

  it('a record someone wrote over is refused with what to do, not replaced', async () => {
    const backend = await open();
    try {
      await backend.store.put(sysKeys.installation(), '{"uid":"me"}');
      const err = await ensureInstallation(backend.store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InstallationRecordError);
      expect(String(err)).toMatch(/installation.*uid.*restore it from a backup/s);
    } finally {
      await backend.dispose();
    }
  });

  it('is served to agents (their token suffices) and to admins; not to strangers', async () => {
    const backend = await open();
    const api = await startApi(backend);
    try {
      const { uid } = await ensureInstallation(backend.store);
      expect(await api.client().installation()).toBe(uid);
      const agentToken = await api.tokens.issueAgentToken('default', 'i-1');
      expect(await api.client(agentToken).installation()).toBe(uid);
      const stranger = new HttpClient({ server: api.url, token: 'not-a-token' });
      const refused = await stranger.installation().catch((e: unknown) => e);
      stranger.close();
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused).toMatchObject({ code: 401 });
    } finally {
      await api.stop();
      await backend.dispose();
    }
  });
});

describe('installation identity of an embedded store', () => {
  const dirs = scratchDirs('berth-installation-');
  it('survives a restart', async () => {
    const dataDir = dirs.fresh();
    const first = new SqliteStore({ dataDir });
    const made = await ensureInstallation(first);
    await first.close();
    const again = new SqliteStore({ dataDir });
    try {
      expect(await ensureInstallation(again)).toEqual(made);
    } finally {
      await again.close();
      dirs.removeAll();
    }
  });
});
