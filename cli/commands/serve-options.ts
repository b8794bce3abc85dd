/** Flags shared by `berth up` and `berth server`, and their translation into control-plane options. */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { parseEndpoints } from '../../api/store/endpoints.js';
import { berthHome } from '../config.js';
import { parseListenAddress } from '../../cmd/listen-address.js';

export interface ServeFlags {
  dataDir: string;
  listen: string;
  etcd?: string;
  etcdPrefix?: string;
  insecureLoopback?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  leaderTtl: string;
  secretsKeyFile?: string;
}

export function addServeOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the embedded store and admin.token live', join(berthHome(), 'data'))
    .option('--listen <host:port>', 'address of the API server', '127.0.0.1:7070')
    .option('--etcd <urls>', 'etcd client URLs, comma-separated (default: the embedded SQLite store)')
    .option('--etcd-prefix <prefix>', 'key prefix inside etcd, to share one etcd between installations')
    .option('--insecure-loopback', 'accept requests without a token from 127.0.0.1/::1 (development only)')
    .option('--tls-cert <file>', 'PEM certificate to serve https with (with --tls-key); default beyond loopback: one signed by a CA made in <data-dir>/tls')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .addOption(
      new Option(
        '--secrets-key-file <file>',
        'key file sealing Secret values (README: Secrets); default with the embedded store: <data-dir>/secrets.key, made on first use',
      ).env('BERTH_SECRETS_KEY_FILE'),
    )
    .addOption(new Option('--leader-ttl <seconds>', 'lease TTL of controller leader election').default('10'));
}

export function toControlPlaneOptions(flags: ServeFlags) {
  const { host, port } = parseListenAddress(flags.listen);
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together; give both or neither');
  const leaderTtlSeconds = Number(flags.leaderTtl);
  if (!Number.isInteger(leaderTtlSeconds) || leaderTtlSeconds < 1) throw new Error(`--leader-ttl: "${flags.leaderTtl}" must be a whole number of seconds >= 1`);
  return {
    dataDir: flags.dataDir,
    host,
    port,
    etcdEndpoints: parseEndpoints(flags.etcd),
    etcdPrefix: flags.etcdPrefix,
    insecureLoopback: flags.insecureLoopback ?? false,
    tls: flags.tlsCert && flags.tlsKey ? { certFile: flags.tlsCert, keyFile: flags.tlsKey } : undefined,
    leaderTtlSeconds,
    secretsKeyFile: flags.secretsKeyFile,
  };
}
