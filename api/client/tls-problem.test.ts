import { describe, expect, it } from 'vitest';
import { ApiUnreachableError, tlsProblem } from './errors.js';

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('tlsProblem', () => {
  it.each([
    ['https://h:1', err('SELF_SIGNED_CERT_IN_CHAIN'), false, /--ca-file FILE or BERTH_CA=FILE/],
    ['https://h:1', err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), false, /not signed by a CA this client trusts/],
    ['https://h:1', err('DEPTH_ZERO_SELF_SIGNED_CERT'), false, /not signed by a CA this client trusts/],
    ['https://h:1', err('ERR_TLS_CERT_ALTNAME_INVALID'), false, /does not name this address/],
    ['https://h:1', err('CERT_HAS_EXPIRED'), false, /validity period/],
    ['https://h:1', err('EPROTO', 'SSL routines::wrong version number'), false, /use an http:\/\/ address/],
    ['http://h:1', err('ECONNRESET', 'socket hang up'), true, /use an https:\/\/ address/],
  ])('%s %s', (server, cause, retriable, hint) => {
    expect(tlsProblem(server, cause)).toEqual({ retriable, hint: expect.stringMatching(hint) });
    const unreachable = new ApiUnreachableError(server, cause);
    expect(unreachable.retriable).toBe(retriable);
    expect(unreachable.message).toMatch(hint);
  });

  it('leaves other failures as they were: retriable, "is the server running?"', () => {
    expect(tlsProblem('https://h:1', err('ECONNREFUSED'))).toBeUndefined();
    const unreachable = new ApiUnreachableError('https://h:1', err('ECONNREFUSED'));
    expect(unreachable).toMatchObject({ retriable: true, message: expect.stringMatching(/is the server running\?$/) });
  });
});
