/**
 * `GET /apis/berth.dev/v1/whoami` → the caller's principal (`{name, role, cluster?, instance?}`).
 * Any authenticated caller may ask; an agent asks it with a token it was handed (its log server
 * checking who wants a container's logs), so a token is only ever judged by the API server.
 */
import { WHOAMI_PATH } from '../paths.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf } from './request-state.js';

export function registerWhoamiRoute(app: ApiApp): void {
  app.get(WHOAMI_PATH, async (request) => {
    const state = stateOf(request);
    state.route = WHOAMI_PATH;
    state.verb = 'get';
    // onRequest authenticated the caller (or answered 401) before this runs.
    if (!state.principal) throw new Error('internal: whoami reached without a principal');
    return state.principal;
  });
}
