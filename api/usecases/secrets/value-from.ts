/**
 * What an ECS task definition names as a secret's source, as a berth Secret (per cluster):
 *
 *   NAME, /path/NAME                                          an SSM parameter name (same region)
 *   arn:aws:ssm:REGION:ACCOUNT:parameter/NAME                 an SSM parameter ARN
 *   arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf  a Secrets Manager ARN; the 6-character
 *       [:json-key[:version-stage[:version-id]]]              suffix Secrets Manager adds may be left
 *                                                             off the berth Secret's name
 *   arn:aws:s3:::BUCKET/KEY                                   environmentFiles only: the object KEY
 *
 * A hierarchical name maps to a berth name with its leading "/" dropped and each further "/" a
 * ".": `/prod/db/password` is Secret `prod.db.password`, and so is the S3 key `prod/db/password`.
 * berth keeps one version of a secret: a version-stage other than AWSCURRENT, or a version-id, is
 * refused. Pure: the resolver (resolve.ts) looks the names up.
 */
import { NAME_PATTERN } from '../../v1/meta.js';

export interface SecretReference {
  /** The berth Secret's name, tried in order (with and without a Secrets Manager suffix). */
  names: string[];
  /** A key of a JSON secret value (or a key of the berth Secret) to take instead of the whole value. */
  jsonKey?: string;
}

export type ParsedReference = { ok: true; ref: SecretReference } | { ok: false; message: string };

const ARN = /^arn:[a-z-]+:([a-z0-9-]+):([^:]*):([^:]*):(.*)$/;
/** The suffix Secrets Manager appends to a secret's name in its ARN: a hyphen and six characters. */
const SM_SUFFIX = /^(.+)-[A-Za-z0-9]{6}$/;
const CURRENT_STAGE = 'AWSCURRENT';

/** `/prod/db` → `prod.db`; undefined when the result is no berth name. */
export function berthSecretName(awsName: string): string | undefined {
  const name = awsName.replace(/^\//, '').replaceAll('/', '.');
  return NAME_PATTERN.test(name) ? name : undefined;
}

const badName = (awsName: string) =>
  `"${awsName}" maps to no berth Secret name (letters, digits, "-", "_", ".", ":" after "/" becomes "."); name the Secret so it does`;

function named(awsName: string, jsonKey?: string): ParsedReference {
  const name = berthSecretName(awsName);
  if (name === undefined) return { ok: false, message: badName(awsName) };
  return { ok: true, ref: { names: [name], ...(jsonKey ? { jsonKey } : {}) } };
}

/** A `secrets[].valueFrom`, `secretOptions[].valueFrom` or `credentialsParameter`. */
export function parseValueFrom(valueFrom: string): ParsedReference {
  if (!valueFrom.startsWith('arn:')) return named(valueFrom);
  const arn = ARN.exec(valueFrom);
  if (!arn) return { ok: false, message: `"${valueFrom}" is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)` };
  const [, service, , , resource = ''] = arn;
  if (service === 'ssm') {
    if (!resource.startsWith('parameter/') || resource.length === 'parameter/'.length)
      return { ok: false, message: `"${valueFrom}": an SSM ARN names a parameter: arn:aws:ssm:REGION:ACCOUNT:parameter/NAME` };
    return named(resource.slice('parameter/'.length));
  }
  if (service === 'secretsmanager') return secretsManager(valueFrom, resource);
  return {
    ok: false,
    message: `"${valueFrom}" is a ${service} ARN; a secret comes from Secrets Manager (arn:aws:secretsmanager:…:secret:NAME) or SSM (arn:aws:ssm:…:parameter/NAME), or is a name`,
  };
}

function secretsManager(valueFrom: string, resource: string): ParsedReference {
  const [kind, name = '', jsonKey = '', stage = '', versionId = '', ...extra] = resource.split(':');
  if (kind !== 'secret' || name === '' || extra.length > 0)
    return { ok: false, message: `"${valueFrom}": expected arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key:version-stage:version-id]` };
  if (stage !== '' && stage !== CURRENT_STAGE)
    return { ok: false, message: `"${valueFrom}": berth keeps only the current version of a secret; leave version-stage empty or ${CURRENT_STAGE}` };
  if (versionId !== '') return { ok: false, message: `"${valueFrom}": berth keeps only the current version of a secret; leave version-id empty` };
  const full = berthSecretName(name);
  if (full === undefined) return { ok: false, message: badName(name) };
  const short = SM_SUFFIX.exec(name)?.[1];
  const names = [full, ...(short !== undefined && berthSecretName(short) !== undefined ? [berthSecretName(short) ?? ''] : [])];
  return { ok: true, ref: { names, ...(jsonKey ? { jsonKey } : {}) } };
}

/** An `environmentFiles[].value`: an S3 object ARN, whose key names the Secret. */
export function parseEnvironmentFile(value: string): ParsedReference {
  const s3 = /^arn:[a-z-]+:s3:::([^/]+)\/(.+)$/.exec(value);
  if (!s3) return { ok: false, message: `"${value}": an environment file is an S3 object ARN, arn:aws:s3:::BUCKET/KEY (berth reads Secret KEY, "/" as ".")` };
  return named(s3[2] ?? '');
}
