import { describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth/principal.js';
import { rootLogger } from '../../api/log.js';
import { LogCallerAuth } from './log-auth.js';

const ADMIN: Principal = { name: 'admin', role: 'admin' };
const AGENT: Principal = { name: 'agent:c/i-1', role: 'agent', cluster: 'c', instance: 'i-1' };

function setup(answer: (token: string) => Principal | undefined | Error) {
  let now = 0;
  const asked: string[] = [];
  const auth = new LogCallerAuth(
    async (token) => {
      asked.push(token);
      const a = answer(token);
      if (a instanceof Error) throw a;
      return a;
    },
    () => now,
    rootLogger,
    30_000,
  );
  return { auth, asked, advance: (ms: number) => (now += ms) };
}

describe('LogCallerAuth', () => {
  it.each([
    ['no header', undefined, 401, /no bearer token/],
    ['not Bearer', 'Basic abc', 401, /not "Bearer <token>"/],
    ['an unknown token', 'Bearer nope', 401, /does not know this bearer token/],
    ['an agent token', 'Bearer agent', 403, /agent:c\/i-1 may not read container logs; only admins and the API server may/],
    ['the API server down', 'Bearer down', 503, /cannot check the token/],
  ])('%s → %d', async (_what, header, code, message) => {
    const { auth } = setup((t) => (t === 'agent' ? AGENT : t === 'down' ? new Error('ECONNREFUSED') : undefined));
    expect(await auth.check(header)).toMatchObject({ ok: false, code, message: expect.stringMatching(message) });
  });

  it('an admin passes; the answer is kept for the cache period, then asked again', async () => {
    const { auth, asked, advance } = setup(() => ADMIN);
    expect(await auth.check('Bearer a')).toEqual({ ok: true, principal: ADMIN });
    advance(29_000);
    expect((await auth.check('Bearer a')).ok).toBe(true);
    expect(asked).toEqual(['a']);
    advance(2_000);
    await auth.check('Bearer a');
    expect(asked).toEqual(['a', 'a']);
  });

  it("the API server's log-reader token passes", async () => {
    const reader: Principal = { name: 'api-server (log reader)', role: 'log-reader' };
    const { auth } = setup(() => reader);
    expect(await auth.check('Bearer r')).toEqual({ ok: true, principal: reader });
  });

  it('a refusal is not kept: a token that becomes valid works at once', async () => {
    let valid = false;
    const { auth } = setup(() => (valid ? ADMIN : undefined));
    expect((await auth.check('Bearer new')).ok).toBe(false);
    valid = true;
    expect((await auth.check('Bearer new')).ok).toBe(true);
  });
});
