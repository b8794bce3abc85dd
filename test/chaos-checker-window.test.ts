/**
 * The chaos checker's crash window against real etcd and the real Docker engine: a round whose
 * services never became steady leaves its window open, so the same episode is not reported a second
 * time as below-minimum before the services recover (rounds 80–81 of the long run of 2026-12-07:
 * not-steady after an engine restart, then below-minimum from a sample taken between that round and
 * the next fault). Once a steady round closes it, a service below its minimum is reported, in the
 * round the sample began in.
 */
import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { rootLogger } from '../api/log.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { Checker } from '../hack/chaos/checker.js';
import { StoreView } from '../hack/chaos/store-view.js';
import { TEST_IMAGE } from './support/cluster.js';
import { etcdEndpoint } from './support/stores.js';

const docker = new Docker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One running `web` task with no health check: 0 healthy of the 2 web's minimum needs (workload.ts). */
async function unhealthyWebTask(cluster: string): Promise<void> {
  const c = await docker.createContainer({
    Image: TEST_IMAGE,
    Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
    Labels: {
      [DOCKER_LABELS.cluster]: cluster,
      [DOCKER_LABELS.task]: 'web-1',
      [DOCKER_LABELS.taskUid]: randomUUID(),
      [DOCKER_LABELS.container]: 'app',
      [DOCKER_LABELS.instance]: 'i1',
      [DOCKER_LABELS.taskDefinition]: 'web:1',
    },
  });
  cleanups.push(() => c.remove({ force: true }).catch(() => undefined));
  await c.start();
}

describe('chaos checker window', () => {
  it('stays open after a round that never got steady, and holds the minimum again once a round did', async () => {
    const cluster = `window-${randomUUID().slice(0, 8)}`;
    await unhealthyWebTask(cluster);
    const checker = new Checker(new StoreView(etcdEndpoint, cluster), docker, cluster, ['i1'], rootLogger);
    cleanups.push(() => checker.stop());
    await checker.start();
    const samples = async (n: number) => {
      const from = checker.samples;
      await eventually(() => checker.samples >= from + n, 20_000, `${n} checker samples`);
    };

    checker.round = 1;
    checker.fault = 'engine-restart';
    checker.openWindow({ suspendMinimum: true, excludedInstances: [] });
    checker.endRound(false);
    await samples(3);
    expect([...checker.violations.values()].map((v) => v.kind)).toEqual([]);

    checker.round = 2;
    checker.fault = 'container-kill';
    checker.endRound(true);
    await samples(2);
    // web runs 1 unhealthy task, linked none: both below their minimum (workload.ts), in round 2.
    const reported = [...checker.violations.values()].map((v) => [v.kind, v.round, v.detail.split(':')[0]]);
    expect(reported.sort()).toEqual([
      ['below-minimum', 2, 'linked'],
      ['below-minimum', 2, 'web'],
    ]);
  }, 60_000);
});
