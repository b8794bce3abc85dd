import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SERVER, resolveConnection, writeConfigFile } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
const file = join(dir, 'config');
writeConfigFile(file, { server: 'http://10.0.0.1:7070', token: 'from-file' });

describe('resolveConnection', () => {
  it.each([
    ['flags win', { server: 'http://flag:1', token: 'flag' }, { BERTH_SERVER: 'http://env:1', BERTH_TOKEN: 'env' }, 'http://flag:1', 'flag'],
    ['environment next', {}, { BERTH_SERVER: 'http://env:1', BERTH_TOKEN: 'env' }, 'http://env:1', 'env'],
    ['config file last', {}, {}, 'http://10.0.0.1:7070', 'from-file'],
  ])('%s', (_case, flags, env, server, token) => {
    expect(resolveConnection(flags, { ...env, BERTH_CONFIG: file })).toMatchObject({ server, token });
  });

  it('defaults to the local server when nothing is configured', () => {
    expect(resolveConnection({}, { BERTH_CONFIG: join(dir, 'missing') })).toEqual({ server: DEFAULT_SERVER });
  });

  it('writes the config file readable by its owner only', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{oops', /not valid JSON.*delete it and run `berth up`/],
    ['a bad field', '{"server": "nope"}', /server:/],
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
