import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateHosts, serverTls, ServerTlsError, tlsDir } from './server-tls.js';

const newDir = () => mkdtempSync(join(tmpdir(), 'berth-server-tls-'));

describe('serverTls', () => {
  it.each([['127.0.0.1'], ['127.0.0.5'], ['::1'], ['[::1]'], ['localhost']])('serves plain http on loopback (%s) and writes nothing', (host) => {
    const dataDir = newDir();
    expect(serverTls({ dataDir, host })).toEqual({ mode: 'plain' });
    expect(() => statSync(tlsDir(dataDir))).toThrow();
  });

  it('beyond loopback makes a CA and a server certificate in the data dir, keys 0600, and keeps them', () => {
    const dataDir = newDir();
    const first = serverTls({ dataDir, host: '0.0.0.0' });
    if (first.mode !== 'generated') throw new Error(`expected generated, got ${first.mode}`);
    expect(first.caFile).toBe(join(tlsDir(dataDir), 'ca.crt'));
    for (const [file, mode] of [
      ['ca.key', 0o600],
      ['server.key', 0o600],
      ['ca.crt', 0o644],
      ['server.crt', 0o644],
    ] as const)
      expect(statSync(join(tlsDir(dataDir), file)).mode & 0o777, file).toBe(mode);
    expect(statSync(tlsDir(dataDir)).mode & 0o777).toBe(0o700);
    const cert = new X509Certificate(first.cert);
    expect(cert.checkIssued(new X509Certificate(readFileSync(first.caFile)))).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    // A second start uses what is there.
    const second = serverTls({ dataDir, host: '0.0.0.0' });
    expect(second).toEqual(first);
  });

  it('makes the server certificate again (same CA) when it does not name the listen address, or expires soon', () => {
    const dataDir = newDir();
    const first = serverTls({ dataDir, host: '192.0.2.7' });
    if (first.mode !== 'generated') throw new Error('expected generated');
    expect(new X509Certificate(first.cert).checkIP('192.0.2.7')).toBe('192.0.2.7');
    const moved = serverTls({ dataDir, host: '192.0.2.8' });
    if (moved.mode !== 'generated') throw new Error('expected generated');
    expect(moved.cert).not.toBe(first.cert);
    expect(new X509Certificate(moved.cert).checkIP('192.0.2.8')).toBe('192.0.2.8');
    expect(readFileSync(moved.caFile, 'utf8')).toBe(readFileSync(first.caFile, 'utf8'));
    const later = serverTls({ dataDir, host: '192.0.2.8', now: Date.now() + 340 * 24 * 3600 * 1000 });
    if (later.mode !== 'generated') throw new Error('expected generated');
    expect(later.cert).not.toBe(moved.cert);
  });

  it('repairs the key files to 0600', () => {
    const dataDir = newDir();
    serverTls({ dataDir, host: '0.0.0.0' });
    const key = join(tlsDir(dataDir), 'ca.key');
    writeFileSync(key, readFileSync(key), { mode: 0o644 });
    statSync(key);
    serverTls({ dataDir, host: '0.0.0.0' });
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  it('uses a given certificate as is, and says which flag names an unreadable file', () => {
    const dataDir = newDir();
    const made = serverTls({ dataDir, host: '0.0.0.0' });
    if (made.mode !== 'generated') throw new Error('expected generated');
    const dir = tlsDir(dataDir);
    expect(serverTls({ dataDir: newDir(), host: '0.0.0.0', given: { certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') } })).toMatchObject({
      mode: 'given',
    });
    expect(() => serverTls({ dataDir, host: '127.0.0.1', given: { certFile: '/nonexistent.crt', keyFile: join(dir, 'server.key') } })).toThrow(ServerTlsError);
    expect(() => serverTls({ dataDir, host: '127.0.0.1', given: { certFile: '/nonexistent.crt', keyFile: join(dir, 'server.key') } })).toThrow(
      /--tls-cert: cannot read \/nonexistent\.crt/,
    );
  });

  it('a client that trusts the CA talks to a server with the generated certificate', async () => {
    const made = serverTls({ dataDir: newDir(), host: '0.0.0.0' });
    if (made.mode !== 'generated') throw new Error('expected generated');
    const server = https.createServer({ cert: made.cert, key: made.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (ca?: Buffer) =>
      new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', ...(ca ? { ca } : {}) }, (res) => {
            res.setEncoding('utf8');
            let body = '';
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
    try {
      expect(await get(readFileSync(made.caFile))).toBe('ok');
      await expect(get()).rejects.toThrow(/unable to verify the first certificate/);
    } finally {
      server.close();
    }
  });
});

describe('certificateHosts', () => {
  const interfaces = { eth0: [{ address: '10.0.0.5', family: 'IPv4' as const, internal: false, netmask: '', mac: '', cidr: null }] };
  it.each([
    ['0.0.0.0', ['box', 'localhost', '127.0.0.1', '::1', '10.0.0.5']],
    ['10.0.0.5', ['10.0.0.5', 'localhost', '127.0.0.1', '::1']],
    ['[fd00::1]', ['fd00::1', 'localhost', '127.0.0.1', '::1']],
  ])('listening on %s names %j', (host, hosts) => {
    expect(certificateHosts(host, interfaces, 'box')).toEqual(hosts);
  });
});
