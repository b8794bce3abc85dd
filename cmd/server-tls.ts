/**
 * What the API server serves: plain http on loopback; beyond loopback, https with the certificate
 * it was given (--tls-cert/--tls-key) or, without one, a certificate signed by a CA that berth
 * makes in `<data-dir>/tls/` on first start (ca.crt, ca.key, server.crt, server.key; keys 0600).
 * The CA stays; the server certificate is made again when it no longer names every address the
 * server listens on, or expires within 30 days. Several `berth server` replicas share a CA when
 * ca.crt and ca.key are copied into each one's data dir before its first start.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { CA_VALID_DAYS, createCertificateAuthority, issueServerCertificate, SERVER_VALID_DAYS, type CertificateAndKey } from '../api/tls/certificates.js';
import { isLoopbackHost } from '../api/tls/loopback.js';

export type ServerTls =
  | { mode: 'plain' }
  | { mode: 'given'; cert: Buffer; key: Buffer }
  /** `caFile`: what clients trust (the CLI config records it). */
  | { mode: 'generated'; cert: string; key: string; caFile: string };

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export class ServerTlsError extends Error {
  override readonly name = 'ServerTlsError';
  readonly retriable = false;
}

export function serverTls(options: { dataDir: string; host: string; given?: { certFile: string; keyFile: string }; now?: number }): ServerTls {
  if (options.given) return { mode: 'given', cert: readPem(options.given.certFile, '--tls-cert'), key: readPem(options.given.keyFile, '--tls-key') };
  if (isLoopbackHost(options.host)) return { mode: 'plain' };
  return { mode: 'generated', ...ensureGeneratedTls(options.dataDir, certificateHosts(options.host), options.now ?? Date.now()) };
}

/** Every name a client may use for a server listening on `host`: that host, or (on every interface) this machine's addresses and name; loopback always. */
export function certificateHosts(host: string, interfaces = networkInterfaces(), name = hostname()): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  if (!WILDCARDS.has(host)) return [...new Set([host.replace(/^\[|\]$/g, ''), ...hosts])];
  const addresses = Object.values(interfaces).flatMap((list) => (list ?? []).map((a) => a.address));
  return [...new Set([name, ...hosts, ...addresses])];
}

export function tlsDir(dataDir: string): string {
  return join(dataDir, 'tls');
}

function ensureGeneratedTls(dataDir: string, hosts: string[], now: number): { cert: string; key: string; caFile: string } {
  const dir = tlsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const files = { caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
  let ca: CertificateAndKey;
  if (existsSync(files.caCert) && existsSync(files.caKey)) {
    ca = { cert: readFileSync(files.caCert, 'utf8'), key: readFileSync(files.caKey, 'utf8') };
  } else {
    ca = createCertificateAuthority({ commonName: `berth CA (${hostname()})`, validDays: CA_VALID_DAYS, now });
    writeSecret(files.caKey, ca.key);
    writeFileSync(files.caCert, ca.cert, { mode: 0o644 });
  }
  for (const file of [files.caKey, files.key]) if (existsSync(file)) chmodSync(file, 0o600);
  const current =
    existsSync(files.cert) && existsSync(files.key) ? { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') } : undefined;
  if (current && stillGood(current.cert, ca.cert, hosts, now)) return { ...current, caFile: files.caCert };
  const server = issueServerCertificate({ commonName: 'berth API server', hosts, validDays: SERVER_VALID_DAYS, now }, ca);
  writeSecret(files.key, server.key);
  writeFileSync(files.cert, server.cert, { mode: 0o644 });
  return { ...server, caFile: files.caCert };
}

/** Signed by this CA, not about to expire, and naming every host. */
function stillGood(certPem: string, caPem: string, hosts: string[], now: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.checkIssued(new X509Certificate(caPem))) return false;
    if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return false;
    return hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined);
  } catch {
    return false;
  }
}

function writeSecret(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ServerTlsError(`${flag}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
