/**
 * The chaos run's second engine leaves nothing in the kernel: the bridge of each network made on it
 * goes when the engine stops (an engine-restart fault) and when the run ends. Before, every restart
 * leaked one br-* link per task network (each start empties the engine's network store), and this
 * machine had 97 of them from earlier runs, eating the pool's subnets. Needs root (ip link).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { rootLogger } from '../api/log.js';
import { ChaosEngine } from '../hack/chaos/engine.js';
import { TEST_IMAGE } from './support/cluster.js';

const isRoot = process.getuid?.() === 0;
const linkExists = (name: string) => {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!isRoot)("the chaos engine's network bridges", () => {
  const engine = new ChaosEngine(
    {
      root: '/tmp/berth-chaos-bridges-test',
      bridge: 'br-bchbrtest',
      bridgeCidr: '172.28.250.1/24',
      addressPool: 'base=10.227.0.0/16,size=24',
      image: TEST_IMAGE,
    },
    rootLogger,
  );
  afterAll(() => engine.tearDown());

  it('go with the engine, on a restart and at the end', async () => {
    await engine.setUp();
    const first = await engine.docker.createNetwork({ Name: 'chaos-bridges-a' });
    const firstLink = `br-${first.id.slice(0, 12)}`;
    expect(linkExists(firstLink)).toBe(true);

    await engine.stop();
    expect(linkExists(firstLink)).toBe(false);

    await engine.start();
    const second = await engine.docker.createNetwork({ Name: 'chaos-bridges-b' });
    const secondLink = `br-${second.id.slice(0, 12)}`;
    expect(linkExists(secondLink)).toBe(true);
    await engine.tearDown();
    expect(linkExists(secondLink)).toBe(false);
    expect(linkExists('br-bchbrtest')).toBe(false);
  });
});
