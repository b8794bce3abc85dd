import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SERVER, installationContextName, berthHome, readConfigForEdit, resolveConnection, writeConfigFile } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
const tokenFile = join(dir, 'prod.token');
writeFileSync(tokenFile, 'prod-token\n');
const file = join(dir, 'config');
writeConfigFile(file, {
  currentContext: 'local',
  contexts: [
    { name: 'local', server: 'http://10.0.0.1:7070', token: 'from-file', cluster: 'dev' },
    { name: 'prod', server: 'https://10.0.0.2:7070', tokenFile, caFile: '/etc/prod-ca.pem' },
    { name: 'broken', server: 'http://10.0.0.3:7070', tokenFile: join(dir, 'missing.token') },
  ],
});
/** The shape `berth up` wrote before contexts. */
const legacy = join(dir, 'legacy-config');
writeFileSync(legacy, JSON.stringify({ server: 'http://10.0.0.9:7070', token: 'old-token', caFile: '/ca.pem' }));

describe('resolveConnection', () => {
  it.each([
    ['flags win', { server: 'http://flag:1', token: 'flag' }, { BERTH_SERVER: 'http://env:1', BERTH_TOKEN: 'env' }, 'http://flag:1', 'flag'],
    ['environment next', {}, { BERTH_SERVER: 'http://env:1', BERTH_TOKEN: 'env' }, 'http://env:1', 'env'],
    ['the current context last', {}, {}, 'http://10.0.0.1:7070', 'from-file'],
    ['--context picks another, its token read from its file', { context: 'prod' }, {}, 'https://10.0.0.2:7070', 'prod-token'],
    ['BERTH_CONTEXT picks another', {}, { BERTH_CONTEXT: 'prod' }, 'https://10.0.0.2:7070', 'prod-token'],
    ['--context wins over BERTH_CONTEXT', { context: 'local' }, { BERTH_CONTEXT: 'prod' }, 'http://10.0.0.1:7070', 'from-file'],
  ])('%s', (_case, flags, env, server, token) => {
    expect(resolveConnection(flags, { ...env, BERTH_CONFIG: file })).toMatchObject({ server, token });
  });

  it('takes the CA file and cluster from the context', () => {
    expect(resolveConnection({}, { BERTH_CONFIG: file })).toMatchObject({ cluster: 'dev' });
    expect(resolveConnection({ context: 'prod' }, { BERTH_CONFIG: file })).toMatchObject({ caFile: '/etc/prod-ca.pem' });
  });

  it.each([
    ['an unknown context', { context: 'nope' }, /no context "nope" in .*its contexts are local, prod, broken/],
    ['an unreadable token file', { context: 'broken' }, /cannot read the token file .*missing\.token of context "broken"/],
  ])('explains %s', (_case, flags, message) => {
    expect(() => resolveConnection(flags, { BERTH_CONFIG: file })).toThrow(message);
  });

  it('reads a config file from before contexts as one context, and an edit keeps its entry', () => {
    expect(resolveConnection({}, { BERTH_CONFIG: legacy })).toEqual({ server: 'http://10.0.0.9:7070', token: 'old-token', caFile: '/ca.pem' });
    expect(readConfigForEdit(legacy)).toEqual({
      currentContext: 'default',
      contexts: [{ name: 'default', server: 'http://10.0.0.9:7070', token: 'old-token', caFile: '/ca.pem' }],
    });
  });

  it('defaults to the local server when nothing is configured', () => {
    expect(resolveConnection({}, { BERTH_CONFIG: join(dir, 'missing') })).toEqual({ server: DEFAULT_SERVER });
  });

  it('writes the config file readable by its owner only', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ currentContext: 'local' });
  });

  it.each([
    ['not JSON', '{oops', /not valid JSON.*delete it and run `berth up`/],
    ['a bad field', '{"server": "nope"}', /server:/],
    ['a context twice', '{"contexts": [{"name": "a", "server": "http://a:1"}, {"name": "a", "server": "http://b:1"}]}', /context "a" is listed twice/],
  ])('explains a broken config file (%s)', (_case, text, message) => {
    const broken = join(dir, `broken-${_case.replace(/\W/g, '')}`);
    writeFileSync(broken, text);
    expect(() => resolveConnection({}, { BERTH_CONFIG: broken })).toThrow(ConfigError);
    expect(() => resolveConnection({}, { BERTH_CONFIG: broken })).toThrow(message);
  });

  it('rejects a server that is not a URL', () => {
    expect(() => resolveConnection({ server: 'localhost' }, { BERTH_CONFIG: join(dir, 'missing') })).toThrow(/not a URL/);
  });
});

describe('installationContextName', () => {
  it.each([
    [join(berthHome(), 'data'), 'local'],
    ['/srv/berth-prod', 'berth-prod'],
    ['/tmp/x/data/', 'data'],
    ['/tmp/my dir', 'my-dir'],
    ['/tmp/.hidden', 'hidden'],
  ])('%s → %s', (dataDir, name) => {
    expect(installationContextName(dataDir)).toBe(name);
  });
});
