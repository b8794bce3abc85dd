import { afterEach, describe, expect, it } from 'vitest';
import { rootLogger } from '../../../api/log.js';
import { Service } from '../../../api/v1/service.js';
import { Task } from '../../../api/v1/task.js';
import { DnsServer, parseResolvConf, RCODE } from './dns-server.js';
import { queryDns } from './query.js';
import { buildRecords, type DiscoveryRecords } from './records.js';

const log = rootLogger.child({ test: 'dns-server' });

const web = Service.parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Service',
  metadata: { name: 'web', cluster: 'shop' },
  spec: { taskDefinition: 'web', serviceRegistries: [{ containerName: 'web', containerPort: 80 }] },
});
const task = (name: string, hostPort: number) =>
  Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, cluster: 'shop' },
    spec: { taskDefinition: 'web:1', group: 'service:web' },
    status: {
      lastStatus: 'RUNNING',
      containers: [{ name: 'web', lastStatus: 'RUNNING', networkBindings: [{ containerPort: 80, hostPort }] }],
      discovery: { hostAddress: `10.0.0.${hostPort % 250}`, healthChecked: false },
    },
  });

describe('DnsServer', () => {
  const servers: DnsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  async function serve(records: () => DiscoveryRecords, upstreams: string[] = []) {
    const server = new DnsServer({ address: '127.0.0.1', port: 0, records, upstreams, log });
    servers.push(server);
    return server.start();
  }

  it('answers A and SRV (with the targets’ addresses) over UDP and TCP, NXDOMAIN in its zones, from the records current at each query', async () => {
    let records = buildRecords([web], [task('web-a', 32001)]);
    const at = await serve(() => records);
    expect(await queryDns(at, 'web.shop.berth.internal', 'A')).toMatchObject({ rcode: RCODE.NOERROR, authoritative: true, a: ['10.0.0.1'] });
    const srv = await queryDns(at, 'web.shop.berth.internal', 'SRV', 'tcp');
    expect(srv.srv).toEqual([{ port: 32001, target: 'web-a.web.shop.berth.internal' }]);
    expect(srv.additionalA).toEqual({ 'web-a.web.shop.berth.internal': ['10.0.0.1'] });
    expect((await queryDns(at, 'nope.shop.berth.internal', 'A')).rcode).toBe(RCODE.NXDOMAIN);

    records = buildRecords([web], [task('web-a', 32001), task('web-b', 32002)]);
    expect((await queryDns(at, 'web.shop.berth.internal', 'A')).a.sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    records = buildRecords([web], []);
    expect(await queryDns(at, 'web.shop.berth.internal', 'A')).toMatchObject({ rcode: RCODE.NOERROR, a: [] });
  });

  it('sets TC on a UDP answer over 512 bytes; the same question over TCP gets it whole', async () => {
    const many = Array.from({ length: 40 }, (_, i) => task(`web-${String(i).padStart(3, '0')}`, 32000 + i));
    const at = await serve(() => buildRecords([web], many));
    const udp = await queryDns(at, 'web.shop.berth.internal', 'SRV');
    expect(udp).toMatchObject({ truncated: true, srv: [] });
    expect((await queryDns(at, 'web.shop.berth.internal', 'SRV', 'tcp')).srv).toHaveLength(40);
  });

  it('forwards other names to its upstream and relays the answer; REFUSED without one, SERVFAIL when it is silent', async () => {
    const upstream = await serve(() => buildRecords([Service.parse({ ...web, metadata: { name: 'web', cluster: 'elsewhere' } })], [task('web-z', 32009)]));
    // The upstream answers for elsewhere.berth.internal; a server whose own zones do not include it forwards.
    const records = (): DiscoveryRecords => ({ ...buildRecords([web], []), zones: ['shop.berth.internal'] });
    const forwarding = await serve(records, [`127.0.0.1:${upstream.port}`]);
    expect((await queryDns(forwarding, 'web.elsewhere.berth.internal', 'A')).a).toEqual(['10.0.0.9']);
    const lonely = await serve(records, []);
    expect((await queryDns(lonely, 'example.com', 'A')).rcode).toBe(RCODE.REFUSED);
    const silent = await serve(records, ['127.0.0.1:9']);
    expect((await queryDns(silent, 'example.com', 'A')).rcode).toBe(RCODE.SERVFAIL);
  }, 10_000);

  it.each([
    ['nameserver 10.0.0.2\n# nameserver 10.0.0.3\nsearch x\nnameserver ::1\n nameserver 10.0.0.4 ', ['10.0.0.2', '10.0.0.4']],
    ['', []],
  ])('parseResolvConf(%j)', (text, expected) => {
    expect(parseResolvConf(text)).toEqual(expected);
  });
});
