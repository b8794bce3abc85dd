/**
 * The README's first command, as a new user runs it (from a fresh HOME): berth comes up, the example
 * service becomes healthy and answers over HTTP; running it again is safe and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { tempDir } from './support/berth-process.js';
import { sweepEngine } from './support/sweep-engine.js';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const home = tempDir('berth-quickstart-home-');
const env = { ...process.env, HOME: home, BERTH_CONFIG: join(home, '.berth', 'config') };
const quickstart = () => spawnSync('bash', ['hack/quickstart.sh'], { env, encoding: 'utf8', timeout: 240_000 });

describe('hack/quickstart.sh', () => {
  afterAll(async () => {
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(join(home, '.berth', 'up.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
    } catch {
      // not started
    }
    // Until it has exited, berth may still start a task whose container the sweep would miss.
    if (pid !== undefined) await eventually(() => !isAlive(pid), 30_000, `berth up (pid ${pid}) exited`);
    // Only this berth's objects: other tests' `berth up` run on cluster `default` too, each under an
    // instance name of its own; the quickstart's agent is named after the host.
    await sweepEngine(new DockerRuntime(), { [DOCKER_LABELS.cluster]: 'default', [DOCKER_LABELS.instance]: hostname() });
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
