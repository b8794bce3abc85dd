/** `berth lb`: HAProxy serving a cluster's load balancers until SIGINT/SIGTERM. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../../api/client/connection.js';
import type { Principal } from '../../../api/auth/principal.js';
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
  const served = servedAs(flags, await client.whoami(), cluster);
  const proxy = new LbProxy({
    client,
    cluster: served.cluster,
    dir: flags.dir ?? mkdtempSync(join(tmpdir(), 'berth-lb-')),
    name: served.name,
    haproxy: flags.haproxy,
    bindAddress: flags.bind,
    log,
  });
  await proxy.start();
  process.stdout.write(`berth lb is serving cluster ${served.cluster}'s load balancers from ${server} (haproxy pid ${proxy.pid ?? '?'})\n`);
  await stopOnSignal(() => proxy.stop(), log);
  return 0;
}

/**
 * The cluster served and the name reported under. An lb token (`berth token create --role lb`) is
 * for one cluster and its reports are accepted under its own name only, so both default to the
 * token's and a flag saying otherwise is an error here rather than a refused report later.
 */
export function servedAs(flags: Pick<LbFlags, 'name' | 'cluster'>, me: Principal, cluster: string): { name: string; cluster: string } {
  if (me.role !== 'lb') return { name: flags.name ?? hostname(), cluster };
  if (flags.name !== undefined && flags.name !== me.name)
    throw new Error(`--name ${flags.name}: this lb token reports as ${me.name}; drop --name or make a token named ${flags.name}`);
  if (flags.cluster !== undefined && flags.cluster !== me.cluster)
    throw new Error(`--cluster ${flags.cluster}: this lb token serves cluster ${me.cluster}; drop --cluster or make a token for ${flags.cluster}`);
  return { name: me.name, cluster: me.cluster };
}
