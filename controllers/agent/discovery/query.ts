/** A one-question DNS client over dns-packet: how tests (and an operator's script) ask an agent's DNS server directly. */
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { askUdp } from './dns-server.js';

/** Longer than the server's own wait for its upstream, so a forwarded question gets the server's SERVFAIL rather than a timeout here. */
const CLIENT_TIMEOUT_MS = 5_000;

export interface DnsReply {
  rcode: number;
  truncated: boolean;
  authoritative: boolean;
  a: string[];
  srv: { port: number; target: string }[];
  /** Addresses given beside the answers (an SRV target's A records). */
  additionalA: Record<string, string[]>;
}

export async function queryDns(
  server: { address: string; port: number },
  name: string,
  type: 'A' | 'SRV' | 'AAAA',
  transport: 'udp' | 'tcp' = 'udp',
): Promise<DnsReply> {
  const id = Math.floor(Math.random() * 65_536);
  const msg = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
  const raw = transport === 'udp' ? await askUdp(server.address, msg, server.port, CLIENT_TIMEOUT_MS) : await askTcp(server, msg);
  const reply = dnsPacket.decode(raw);
  const flags = reply.flags ?? 0;
  const additionalA: Record<string, string[]> = {};
  for (const r of reply.additionals ?? []) if (r.type === 'A') (additionalA[r.name] ??= []).push(r.data);
  return {
    rcode: flags & 0xf,
    truncated: (flags & dnsPacket.TRUNCATED_RESPONSE) !== 0,
    authoritative: (flags & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
    a: (reply.answers ?? []).flatMap((r) => (r.type === 'A' ? [r.data] : [])),
    srv: (reply.answers ?? []).flatMap((r) => (r.type === 'SRV' ? [{ port: r.data.port, target: r.data.target }] : [])),
    additionalA,
  };
}

function askTcp(server: { address: string; port: number }, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.address, port: server.port });
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(msg.length);
    let got = Buffer.alloc(0);
    socket.setTimeout(CLIENT_TIMEOUT_MS, () => socket.destroy(new Error(`no answer from ${server.address}:${server.port} over TCP`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat([prefix, msg])));
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        socket.end();
        resolve(got.subarray(2, 2 + got.readUInt16BE(0)));
      }
    });
  });
}
