/**
 * Certificates berth makes for itself: a CA and the server certificates it signs (`berth up` and
 * `berth server` beyond loopback, when not given a certificate), and the self-signed certificate
 * of an agent's log server (trusted by its SHA-256, which the agent registers).
 *
 * Why node-forge: Node 20's node:crypto makes key pairs and reads certificates (X509Certificate)
 * but cannot build or sign one. node-forge has no dependencies and works on every Node version;
 * @peculiar/x509 (WebCrypto, ECDSA) needs the `reflect-metadata` polyfill loaded into the whole
 * process by its dependency tsyringe, which a library that others import should not impose.
 * The keys are made by node:crypto (native, fast) and only the signing is forge's: RSA-2048, SHA-256.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type forge from 'node-forge';
import { loadOnce } from '../load-once.js';

/** node-forge (0.9 MB of source) is loaded when a certificate is first made or read, not by every process that imports this. */
const forgeLib = loadOnce(() => createRequire(import.meta.url)('node-forge') as typeof forge);

export interface CertificateAndKey {
  /** PEM. */
  cert: string;
  /** PEM (PKCS#8). */
  key: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const CA_VALID_DAYS = 3650;
export const SERVER_VALID_DAYS = 365;

export interface CertificateOptions {
  commonName: string;
  /** DNS names and IP addresses the certificate is valid for (subjectAltName). */
  hosts?: string[];
  validDays: number;
  now?: number;
}

/** A CA that signs berth's server certificates: keep its key beside the data, 0600. */
export function createCertificateAuthority(options: Omit<CertificateOptions, 'hosts'>): CertificateAndKey {
  const { publicKey, privateKey, keyPem } = newKeyPair();
  const cert = baseCertificate(publicKey, options);
  const subject = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forgeLib().md.sha256.create());
  return { cert: forgeLib().pki.certificateToPem(cert), key: keyPem };
}

/** A TLS server certificate for `hosts`, signed by `ca` (or by itself when `ca` is absent). */
export function issueServerCertificate(options: CertificateOptions & { hosts: string[] }, ca?: CertificateAndKey): CertificateAndKey {
  const { publicKey, privateKey, keyPem } = newKeyPair();
  const cert = baseCertificate(publicKey, options);
  cert.setSubject([{ name: 'commonName', value: options.commonName }]);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...new Set(options.hosts)].map(altName) },
  ];
  if (ca) {
    const issuer = forgeLib().pki.certificateFromPem(ca.cert);
    cert.setIssuer(issuer.subject.attributes);
    cert.setExtensions([...extensions, { name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() }]);
    cert.sign(rsaPrivateKey(ca.key), forgeLib().md.sha256.create());
  } else {
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions(extensions);
    cert.sign(privateKey, forgeLib().md.sha256.create());
  }
  return { cert: forgeLib().pki.certificateToPem(cert), key: keyPem };
}

/** The SHA-256 of a certificate as Node shows it (`AB:CD:…`), what a TLS peer's `fingerprint256` is compared with. */
export function certificateSha256(pem: string | Buffer): string {
  return new X509Certificate(pem).fingerprint256;
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; keyPem: string } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const spki = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { publicKey: forgeLib().pki.publicKeyFromPem(spki), privateKey: rsaPrivateKey(keyPem), keyPem };
}

/** forge signs with RSA keys only; a CA key of another type is refused with what to do. */
function rsaPrivateKey(pem: string): forge.pki.rsa.PrivateKey {
  const key = forgeLib().pki.privateKeyFromPem(pem);
  if (Buffer.isBuffer(key))
    throw new Error('the CA key is not an RSA key; berth signs certificates with RSA CA keys only (give a certificate with --tls-cert/--tls-key instead)');
  return key;
}

function baseCertificate(publicKey: forge.pki.PublicKey, options: Omit<CertificateOptions, 'hosts'>): forge.pki.Certificate {
  const now = options.now ?? Date.now();
  const cert = forgeLib().pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive (high bit clear) and unique: 16 random bytes, as RFC 5280 asks of a serial.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  // A little in the past, so that a peer whose clock is slightly behind accepts it at once.
  cert.validity.notBefore = new Date(now - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now + options.validDays * DAY_MS);
  return cert;
}

function altName(host: string): { type: 2; value: string } | { type: 7; ip: string } {
  const bare = host.replace(/^\[|\]$/g, '');
  return isIP(bare) ? { type: 7, ip: bare } : { type: 2, value: host };
}
