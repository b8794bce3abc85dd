/** `berth up`'s load balancer: `berth lb` in process, for the default cluster, when haproxy is installed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalClient } from '../api/client/local-client.js';
import type { Logger } from '../api/log.js';
import type { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { DEFAULT_CLUSTER } from '../api/v1/meta.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';

export async function startLocalLb(resources: ResourceStore, log: Logger): Promise<LbProxy | undefined> {
  if (spawnSync('haproxy', ['-v']).status !== 0) {
    log.info('haproxy is not installed: load balancers are not served here (install it, or run `berth lb` on another host)');
    return undefined;
  }
  const proxy = new LbProxy({
    client: new LocalClient(resources),
    cluster: DEFAULT_CLUSTER,
    dir: mkdtempSync(join(tmpdir(), 'berth-lb-')),
    name: hostname(),
    log,
  });
  try {
    await proxy.start();
    return proxy;
  } catch (err) {
    // The API and the agent still serve: only the load balancers are missing.
    log.error({ err }, 'could not start haproxy: load balancers are not served here');
    return undefined;
  }
}
