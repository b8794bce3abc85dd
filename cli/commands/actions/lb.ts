/** `berth lb`: HAProxy serving a cluster's load balancers until SIGINT/SIGTERM. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../../api/client/connection.js';
import { rootLogger } from '../../../api/log.js';
import { LbProxy } from '../../../controllers/lb/proxy/proxy.js';
import { stopOnSignal } from '../../../cmd/until-signal.js';
import type { LbFlags } from '../lb.js';

export default async function runLb(flags: LbFlags): Promise<number> {
  const token = flags.tokenFile !== undefined ? readFileSync(flags.tokenFile, 'utf8').trim() : flags.token;
  const { client, cluster, server } = connect({
    ...(flags.server !== undefined ? { server: flags.server } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(flags.caFile !== undefined ? { caFile: flags.caFile } : {}),
    ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
  });
  const log = rootLogger;
  const proxy = new LbProxy({
    client,
    cluster,
    dir: flags.dir ?? mkdtempSync(join(tmpdir(), 'berth-lb-')),
    name: flags.name ?? hostname(),
    haproxy: flags.haproxy,
    bindAddress: flags.bind,
    log,
  });
  await proxy.start();
  process.stdout.write(`berth lb is serving cluster ${cluster}'s load balancers from ${server} (haproxy pid ${proxy.pid ?? '?'})\n`);
  await stopOnSignal(() => proxy.stop(), log);
  return 0;
}
