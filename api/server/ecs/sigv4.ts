/**
 * AWS Signature Version 4, checked the only way it can be: the signature is computed again over the
 * request as received, with the secret of the access key it names (access-keys.ts), by the same
 * library the AWS SDK for JavaScript signs with (@smithy/signature-v4), and compared in constant
 * time. Refusals are the errors AWS's JSON services return, which clients recognise:
 *  - a key berth never issued (or revoked): UnrecognizedClientException;
 *  - a signature that does not match: InvalidSignatureException;
 *  - a request dated more than 15 minutes from the server's clock: InvalidSignatureException
 *    "Signature expired" (AWS's window, which stops a captured request being replayed later).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AccessKeyRegistry } from '../../auth/access-keys.js';
import type { Principal } from '../../auth/principal.js';
import type { SigV4Verifier } from './authenticate.js';
import { EcsError } from './errors.js';
import { loadOnce } from '../../load-once.js';

export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SERVICE = 'ecs';

/** AWS's signer, loaded with the first signed request: a server never called through the ECS API does not carry it. */
const loadSigner = loadOnce(() => Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]));

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const invalidToken = () => new EcsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
const mismatch = () =>
  new EcsError(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

function parseAuthorization(request: FastifyRequest) {
  const m = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (!m) throw new EcsError('IncompleteSignatureException', 'the Authorization header is not a complete AWS4-HMAC-SHA256 signature');
  return m;
}

export function sigV4Verifier(keys: AccessKeyRegistry, now: () => number = Date.now): SigV4Verifier {
  return {
    async checkKey(request: FastifyRequest): Promise<void> {
      const [, accessKeyId = ''] = parseAuthorization(request);
      if (!(await keys.lookUp(accessKeyId))) throw invalidToken();
    },
    async verify(request: FastifyRequest, body: string): Promise<Principal> {
      const m = parseAuthorization(request);
      const [, accessKeyId = '', scopeDate = '', region = '', service = '', signedHeaderList = '', signature = ''] = m;
      const dateHeader = request.headers['x-amz-date'];
      const d = typeof dateHeader === 'string' ? AMZ_DATE.exec(dateHeader) : null;
      if (!d || typeof dateHeader !== 'string') throw new EcsError('IncompleteSignatureException', 'the request carries no X-Amz-Date header');
      const signedAt = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(d[4]), Number(d[5]), Number(d[6]));
      const at = now();
      if (Math.abs(at - signedAt) > MAX_CLOCK_SKEW_MS) {
        const bound =
          signedAt < at
            ? `is now earlier than ${amzDate(at - MAX_CLOCK_SKEW_MS)} (${amzDate(at)} - 15 min.)`
            : `is now later than ${amzDate(at + MAX_CLOCK_SKEW_MS)} (${amzDate(at)} + 15 min.)`;
        throw new EcsError('InvalidSignatureException', `Signature expired: ${dateHeader} ${bound}`);
      }
      if (service !== SERVICE || scopeDate !== dateHeader.slice(0, 8)) throw mismatch();
      const key = await keys.lookUp(accessKeyId);
      if (!key) throw invalidToken();
      const signedHeaders = signedHeaderList.split(';');
      if (!signedHeaders.includes('host')) throw mismatch();
      const headers: Record<string, string> = {};
      for (const name of signedHeaders) {
        const value = request.headers[name];
        if (value === undefined) throw mismatch();
        headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const url = new URL(request.url, 'http://placeholder');
      const [{ SignatureV4 }, { Hash }] = await loadSigner();
      const signer = new SignatureV4({
        // The signer adds x-amz-content-sha256 to what it signs unless told not to; the caller's
        // signed headers alone decide (botocore does not send it, the JavaScript SDK does).
        applyChecksum: false,
        credentials: { accessKeyId, secretAccessKey: key.secret },
        region,
        service,
        sha256: Hash.bind(null, 'sha256'),
      });
      const expected = await signer.sign(
        {
          method: request.method,
          protocol: 'https:',
          hostname: headers.host ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          body,
        },
        { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
      );
      const computed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization ?? ''))?.[1] ?? '';
      if (computed.length !== signature.length || !timingSafeEqual(Buffer.from(computed), Buffer.from(signature))) throw mismatch();
      return key.identity;
    },
  };
}
