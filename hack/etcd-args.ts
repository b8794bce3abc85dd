/**
 * The command line of a throwaway single-member etcd on loopback (tests, the chaos run, the
 * benchmarks): one place, so that every etcd berth's tools start is started the same way.
 */
export interface SingleMemberEtcd {
  /** The member's name, also used in --initial-cluster. */
  name: string;
  dataDir: string;
  /** The client URL (http or https) to listen on and advertise. */
  clientUrl: string;
  /** The peer URL to listen on and advertise. */
  peerUrl: string;
}

export function singleMemberEtcdArgs({ name, dataDir, clientUrl, peerUrl }: SingleMemberEtcd): string[] {
  return [
    '--name',
    name,
    '--data-dir',
    dataDir,
    '--listen-client-urls',
    clientUrl,
    '--advertise-client-urls',
    clientUrl,
    '--listen-peer-urls',
    peerUrl,
    '--initial-advertise-peer-urls',
    peerUrl,
    '--initial-cluster',
    `${name}=${peerUrl}`,
  ];
}
