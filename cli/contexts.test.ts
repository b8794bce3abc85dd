import { describe, expect, it } from 'vitest';
import type { ContextsFile } from '../api/client/contexts.js';
import { addInstallation, deleteContext, EMPTY_CONFIG, setContext, useContext } from './contexts.js';

const install = (name: string, n: number) => ({ name, server: `http://127.0.0.1:${n}`, tokenFile: `/i${n}/admin.token`, token: `t${n}` });
const one: ContextsFile = { currentContext: 'data', contexts: [{ name: 'data', server: 'http://127.0.0.1:1', tokenFile: '/i1/admin.token', cluster: 'dev' }] };

describe('addInstallation (berth up)', () => {
  it.each([
    ['the first one becomes current', EMPTY_CONFIG, install('data', 1), false, 'data', 'data', 1],
    ['a second one is added beside, under a free name, not current', one, install('data', 2), false, 'data-2', 'data', 2],
    ['a second one with --use-context becomes current', one, install('data', 2), true, 'data-2', 'data-2', 2],
    ['its own entry is updated in place (new port), keeping name', one, install('other', 1), false, 'data', 'data', 1],
    [
      'it takes over a legacy entry holding its token',
      { currentContext: 'default', contexts: [{ name: 'default', server: 'http://x:1', token: 't1' }] },
      install('data', 1),
      false,
      'default',
      'default',
      1,
    ],
    ['no current context: it becomes current', { contexts: one.contexts }, install('data', 2), false, 'data-2', 'data-2', 2],
  ])('%s', (_case, file, inst, makeCurrent, name, current, count) => {
    const out = addInstallation(file, inst, makeCurrent);
    expect(out.name).toBe(name);
    expect(out.file.currentContext).toBe(current);
    expect(out.file.contexts).toHaveLength(count);
    expect(out.file.contexts.find((c) => c.name === name)).toMatchObject({ server: inst.server, tokenFile: inst.tokenFile });
    expect(out.file.contexts.find((c) => c.name === name)?.token).toBeUndefined();
    // Any other installation's entry is left exactly as it was.
    for (const c of file.contexts.filter((c) => c.name !== name)) expect(out.file.contexts).toContainEqual(c);
  });

  it('keeps the cluster its own entry was set to', () => {
    expect(addInstallation(one, install('x', 1), false).file.contexts[0]).toMatchObject({ cluster: 'dev' });
  });
});

describe('set-context, use-context, delete-context', () => {
  it('creates a context (needing a server) and changes only the fields given', () => {
    expect(() => setContext(EMPTY_CONFIG, 'p', { cluster: 'c' })).toThrow(/does not exist yet; give its --server/);
    const created = setContext(EMPTY_CONFIG, 'p', { server: 'https://p:1', tokenFile: '/p.token' });
    expect(created).toMatchObject({ created: true, file: { contexts: [{ name: 'p', server: 'https://p:1', tokenFile: '/p.token' }] } });
    const changed = setContext(created.file, 'p', { cluster: 'prod' });
    expect(changed).toMatchObject({ created: false, file: { contexts: [{ name: 'p', server: 'https://p:1', tokenFile: '/p.token', cluster: 'prod' }] } });
  });

  it('replaces an inline token when given a token file', () => {
    const legacy: ContextsFile = { contexts: [{ name: 'default', server: 'http://x:1', token: 'inline' }] };
    expect(setContext(legacy, 'default', { tokenFile: '/t' }).file.contexts[0]).toEqual({ name: 'default', server: 'http://x:1', tokenFile: '/t' });
    expect(setContext(legacy, 'default', { cluster: 'c' }).file.contexts[0]).toMatchObject({ token: 'inline', cluster: 'c' });
  });

  it.each([
    ['a bad server', { server: 'nope' }, /server/],
    ['a bad name', { server: 'http://x:1' }, /context name/],
  ])('refuses %s', (_case, fields, message) => {
    expect(() => setContext(EMPTY_CONFIG, _case === 'a bad name' ? 'no spaces' : 'ok', fields)).toThrow(message);
  });

  it('switches, and refuses an unknown context', () => {
    expect(useContext({ contexts: one.contexts }, 'data').currentContext).toBe('data');
    expect(() => useContext(one, 'nope')).toThrow(/no context "nope"; the contexts are data/);
  });

  it('deletes; deleting the current one leaves none current', () => {
    const two = setContext(one, 'b', { server: 'http://b:1' }).file;
    expect(deleteContext(two, 'b')).toEqual(one);
    expect(deleteContext(two, 'data')).toEqual({ contexts: [{ name: 'b', server: 'http://b:1' }] });
    expect(() => deleteContext(two, 'zz')).toThrow(/no context "zz"/);
  });
});
