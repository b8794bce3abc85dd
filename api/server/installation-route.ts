/**
 * `GET /apis/berth.dev/v1/installation` → `{uid, createdAt}`: the identity of the installation whose
 * store this server serves (api/store/installation.ts). Any authenticated caller may ask; agents ask
 * it before they touch the engine, and label everything they make with the uid.
 */
import { INSTALLATION_PATH } from '../paths.js';
import { ensureInstallation, type InstallationRecord } from '../store/installation.js';
import type { Store } from '../store/types.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf } from './request-state.js';

export function registerInstallationRoute(app: ApiApp, store: Store): void {
  // Written once and never changed: read it once (a failed read is tried again on the next request).
  let record: Promise<InstallationRecord> | undefined;
  app.get(INSTALLATION_PATH, async (request) => {
    const state = stateOf(request);
    state.route = INSTALLATION_PATH;
    state.verb = 'get';
    // onRequest authenticated the caller (or answered 401) before this runs.
    if (!state.principal) throw new Error('internal: the installation route reached without a principal');
    record ??= ensureInstallation(store).catch((err: unknown) => {
      record = undefined;
      throw err;
    });
    return record;
  });
}
