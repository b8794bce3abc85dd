import { describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth/principal.js';
import { rootLogger } from '../../api/log.js';
import { LogCallerAuth } from './log-auth.js';

const ADMIN: Principal = { name: 'admin', role: 'admin' };
const AGENT: Principal = { name: 'agent:c/i-1', role: 'agent', cluster: 'c', instance: 'i-1' };
const PATH = '/v1/tasks/t1/containers/app/logs';
const HOP_HERE: Principal = { name: 'api-server (logs)', role: 'log-reader', cluster: 'c', instance: 'i-1', path: PATH };
const HOP_OTHER_LOG: Principal = { name: 'api-server (logs)', role: 'log-reader', cluster: 'c', instance: 'i-1', path: '/v1/tasks/t2/containers/app/logs' };
const HOP_NO_PATH: Principal = { name: 'api-server (logs)', role: 'log-reader', cluster: 'c', instance: 'i-1' };
const HOP_THERE: Principal = { name: 'api-server (logs)', role: 'log-reader', cluster: 'c', instance: 'i-2' };
const UNSCOPED: Principal = { name: 'api-server (log reader)', role: 'log-reader' };
const EDITOR: Principal = { name: 'dev', role: 'user', grants: { c: 'admin' } };

function setup(answer: (token: string) => Principal | undefined | Error) {
  const asked: string[] = [];
  const auth = new LogCallerAuth(
    async (token) => {
      asked.push(token);
      const a = answer(token);
      if (a instanceof Error) throw a;
      return a;
    },
    { cluster: 'c', instance: 'i-1' },
    rootLogger,
  );
  return { auth, asked };
}

describe('LogCallerAuth', () => {
  it.each([
    ['no header', undefined, 401, /no bearer token/],
    ['not Bearer', 'Basic abc', 401, /not "Bearer <token>"/],
    ['an unknown token', 'Bearer nope', 401, /does not know this bearer token/],
    ['an agent token', 'Bearer agent', 403, /agent:c\/i-1 may not read container logs; only admins and the API server may/],
    ['a user token, even a cluster admin', 'Bearer editor', 403, /may not read container logs/],
    ['a log-reader token made for another instance (captured by its agent and replayed here)', 'Bearer there', 403, /made for instance c\/i-2, not this one/],
    ['a log-reader token made for no instance', 'Bearer unscoped', 403, /made for no instance/],
    [
      "a log-reader token made for this instance but another task's log (replayed for another path)",
      'Bearer other-log',
      403,
      /made for \/v1\/tasks\/t2\/containers\/app\/logs, not \/v1\/tasks\/t1/,
    ],
    ['a log-reader token made for this instance but no log path', 'Bearer no-path', 403, /made for no log path/],
    ['the API server down', 'Bearer down', 503, /cannot check the token/],
  ])('%s → %d', async (_what, header, code, message) => {
    const answers: Record<string, Principal | Error> = {
      agent: AGENT,
      editor: EDITOR,
      there: HOP_THERE,
      unscoped: UNSCOPED,
      'other-log': HOP_OTHER_LOG,
      'no-path': HOP_NO_PATH,
      down: new Error('ECONNREFUSED'),
    };
    const { auth } = setup((t) => answers[t]);
    expect(await auth.check(header, PATH)).toMatchObject({ ok: false, code, message: expect.stringMatching(message) });
  });

  it.each([
    ['an admin', ADMIN],
    ['a log-reader token made for this instance and this log path', HOP_HERE],
  ])('%s passes', async (_what, principal) => {
    const { auth } = setup(() => principal);
    expect(await auth.check('Bearer t', PATH)).toEqual({ ok: true, principal });
  });

  it('asks the API server on every call: a token revoked a moment ago reads nothing more', async () => {
    let revoked = false;
    const { auth, asked } = setup(() => (revoked ? undefined : ADMIN));
    expect((await auth.check('Bearer a', PATH)).ok).toBe(true);
    revoked = true;
    expect(await auth.check('Bearer a', PATH)).toMatchObject({ ok: false, code: 401 });
    expect(asked).toEqual(['a', 'a']);
  });

  it('a refusal is not kept: a token that becomes valid works at once', async () => {
    let valid = false;
    const { auth } = setup(() => (valid ? ADMIN : undefined));
    expect((await auth.check('Bearer new', PATH)).ok).toBe(false);
    valid = true;
    expect((await auth.check('Bearer new', PATH)).ok).toBe(true);
  });
});
