/**
 * The agent's DNS server for service discovery: UDP and TCP on one address (port 53 for containers,
 * which Docker's --dns points at), answering berth's names from the records it is given and
 * forwarding every other name to the host's own resolvers, so a container that uses it still
 * resolves everything it resolved before.
 *
 * The wire format is dns-packet's (the encoder and decoder under multicast-dns and many resolvers);
 * this file only decides what to answer. Forwarding relays the query's bytes as they came and the
 * upstream's answer as it comes back (same id), so nothing of a foreign answer is re-encoded.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Logger } from '../../../api/log.js';
import { lookup, type DiscoveryRecords } from './records.js';

/**
 * Kept short, as CoreDNS's kubernetes plugin keeps its 5 s: a task that stops or turns unhealthy
 * leaves the answers at once, and a resolver that caches must not keep sending traffic to it.
 */
export const DISCOVERY_TTL_SECONDS = 5;
const UPSTREAM_TIMEOUT_MS = 2_000;
/** A UDP answer larger than this (without EDNS) is cut short with TC set; the client asks again over TCP. */
const UDP_PAYLOAD = 512;
/** RFC 1035's response codes: dns-packet decodes them, but encodes only what is in the flags' low four bits. */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

export interface DnsServerOptions {
  /** An IPv4 address of this host that containers reach (a bridge's gateway). */
  address: string;
  port: number;
  records: () => DiscoveryRecords;
  /** Resolvers for other names (`IP` or `IP:PORT`); default: the host's /etc/resolv.conf (without this server's own address). */
  upstreams?: string[];
  log: Logger;
}

type Packet = dnsPacket.Packet;

/** Nameservers of a resolv.conf (IPv4 only: the forwarder's socket is udp4). */
export function parseResolvConf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((ip): ip is string => ip !== undefined && isIPv4(ip));
}

export async function hostResolvers(): Promise<string[]> {
  return parseResolvConf(await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
}

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private upstreams: string[] = [];
  private readonly tcpSockets = new Set<net.Socket>();

  constructor(private readonly options: DnsServerOptions) {}

  async start(): Promise<{ address: string; port: number }> {
    const { address, port } = this.options;
    this.upstreams = (this.options.upstreams ?? (await hostResolvers())).filter((ip) => ip !== address);
    const udp = dgram.createSocket('udp4');
    this.udp = udp;
    udp.on('message', (msg, rinfo) => {
      void this.answer(msg, 'udp').then((out) => {
        // An answer that took an upstream's time may come after stop().
        if (out && this.udp === udp) udp.send(out, rinfo.port, rinfo.address);
      });
    });
    udp.on('error', (err) => this.options.log.warn({ err }, 'DNS server socket error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address, port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    // TCP on the port UDP got (port 0 in tests: whatever the kernel gave).
    const bound = udp.address().port;
    const tcp = net.createServer((socket) => this.serveTcp(socket));
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: address, port: bound }, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    this.options.log.info({ address, port: bound, upstreams: this.upstreams }, 'service discovery DNS server listening');
    return { address, port: bound };
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const s of this.tcpSockets) s.destroy();
    await Promise.all([udp ? new Promise<void>((r) => udp.close(() => r())) : undefined, tcp ? new Promise<void>((r) => tcp.close(() => r())) : undefined]);
  }

  private serveTcp(socket: net.Socket): void {
    this.tcpSockets.add(socket);
    socket.on('close', () => this.tcpSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      // RFC 1035 4.2.2: each message is preceded by its two-byte length.
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) return;
        const msg = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        void this.answer(msg, 'tcp').then((out) => {
          if (!out || socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.length);
          socket.write(Buffer.concat([prefix, out]));
        });
      }
    });
  }

  /** The answer's bytes, or undefined for what deserves none (not a query, or undecodable). */
  private async answer(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    if (query.type !== 'query') return undefined;
    const question = query.questions?.[0];
    if (!question) return this.reply(query, 'FORMERR', []);
    const found = lookup(this.options.records(), question.name, question.type);
    if (found.kind === 'foreign') return this.forward(msg, query);
    if (found.kind === 'nxdomain') return this.reply(query, 'NXDOMAIN', [], [soa(found.zone)]);
    const answers: dnsPacket.Answer[] = [
      ...found.a.map((ip): dnsPacket.Answer => ({ type: 'A', name: question.name, ttl: DISCOVERY_TTL_SECONDS, data: ip })),
      ...found.srv.map((s): dnsPacket.Answer => ({
        type: 'SRV',
        name: question.name,
        ttl: DISCOVERY_TTL_SECONDS,
        data: { priority: 0, weight: 1, port: s.port, target: s.target },
      })),
    ];
    // Each SRV target's address beside it, so a client needs no second query.
    const additionals = found.srv.flatMap((s): dnsPacket.Answer[] => {
      const target = lookup(this.options.records(), s.target, 'A');
      return target.kind === 'answer' ? target.a.map((ip) => ({ type: 'A', name: s.target, ttl: DISCOVERY_TTL_SECONDS, data: ip })) : [];
    });
    const out = this.reply(query, 'NOERROR', answers, [], additionals);
    if (transport === 'udp' && out.length > UDP_PAYLOAD) return this.reply(query, 'NOERROR', [], [], [], dnsPacket.TRUNCATED_RESPONSE);
    return out;
  }

  private reply(
    query: Packet,
    rcode: Rcode,
    answers: dnsPacket.Answer[],
    authorities: dnsPacket.Answer[] = [],
    additionals: dnsPacket.Answer[] = [],
    extraFlags = 0,
  ): Buffer {
    const recursionDesired = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    return dnsPacket.encode({
      id: query.id ?? 0,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER | recursionDesired | dnsPacket.RECURSION_AVAILABLE | extraFlags | RCODE[rcode],
      questions: query.questions ?? [],
      answers,
      authorities,
      additionals,
    });
  }

  /** Asks each upstream in turn; SERVFAIL when none answers, REFUSED when the host names none. */
  private async forward(msg: Buffer, query: Packet): Promise<Buffer> {
    if (this.upstreams.length === 0) return this.reply(query, 'REFUSED', []);
    for (const upstream of this.upstreams) {
      const [host = upstream, port = '53'] = upstream.split(':');
      const answer = await askUdp(host, msg, Number(port)).catch(() => undefined);
      if (answer) return answer;
    }
    return this.reply(query, 'SERVFAIL', []);
  }
}

function soa(zone: string): dnsPacket.Answer {
  return {
    type: 'SOA',
    name: zone,
    ttl: DISCOVERY_TTL_SECONDS,
    data: { mname: `ns.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: DISCOVERY_TTL_SECONDS },
  };
}

/** One query to one resolver over UDP; rejects on timeout. Matches the answer by the query's id. */
export function askUdp(server: string, msg: Buffer, port = 53, timeoutMs = UPSTREAM_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const id = msg.readUInt16BE(0);
    const timer = setTimeout(() => finish(new Error(`no answer from ${server}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error, answer?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (answer) resolve(answer);
      else reject(err ?? new Error('no answer'));
    };
    socket.on('error', (err) => finish(err));
    socket.on('message', (answer) => {
      if (answer.length >= 2 && answer.readUInt16BE(0) === id) finish(undefined, answer);
    });
    socket.send(msg, port, server);
  });
}
