/**
 * The README's first command, as a new user runs it (from a fresh HOME): berth comes up, the example
 * service becomes healthy and answers over HTTP; running it again is safe and changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/berth-process.js';

const home = tempDir('berth-quickstart-home-');
const env = { ...process.env, HOME: home, BERTH_CONFIG: join(home, '.berth', 'config') };
const quickstart = () => spawnSync('bash', ['hack/quickstart.sh'], { env, encoding: 'utf8', timeout: 240_000 });

describe('hack/quickstart.sh', () => {
  afterAll(() => {
    try {
      process.kill(Number(readFileSync(join(home, '.berth', 'up.pid'), 'utf8')), 'SIGTERM');
    } catch {
      // not started
    }
    // Only this berth's objects: other tests' `berth up` run on cluster `default` too, each under an
    // instance name of its own; the quickstart's agent is named after the host.
    const mine = ['--filter', 'label=berth.cluster=default', '--filter', `label=berth.instance=${hostname()}`];
    const ids = execFileSync('docker', ['ps', '-aq', ...mine])
      .toString()
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids]);
    // The examples' two-container task links its containers over a network of its own.
    const networks = execFileSync('docker', ['network', 'ls', '-q', ...mine])
      .toString()
      .split('\n')
      .filter(Boolean);
    if (networks.length > 0) spawnSync('docker', ['network', 'rm', ...networks]);
  });

  it('brings berth up with the example service healthy and serving, and is safe to run again', { timeout: 300_000 }, () => {
    const first = quickstart();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/service\/web created/);
    expect(first.stderr).toMatch(/the web service answers: hello from/);
    expect(first.stdout).toMatch(/web\s+3\s+3\s+0\s+web:1/);

    const second = quickstart();
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stderr).toMatch(/berth is already running/);
    expect(second.stdout).toMatch(/service\/web unchanged/);
    expect(second.stdout).toMatch(/taskdefinition\/web:1 unchanged/);
  });
});
