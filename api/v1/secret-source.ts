/**
 * Where a task definition says a secret's value comes from, checked when the definition is written
 * (register, apply, validate), not first when a task starts: a reference that can name no berth
 * Secret (an S3 ARN in `secrets`, an SSM ARN without `parameter/`, a version-id berth does not keep)
 * would leave every task of it unable to start. Whether the Secret exists is NOT checked here: a
 * task definition belongs to the account while Secrets belong to a cluster, and a task whose Secret
 * is missing waits PENDING with a reason until it exists (api/usecases/secrets/resolve.ts), as ECS registers
 * definitions without looking its Secrets Manager or SSM references up.
 */
import { z } from 'zod';
import { parseEnvironmentFile, parseValueFrom, type ParsedReference } from '../usecases/secrets/value-from.js';

function checked(parse: (value: string) => ParsedReference, todo: string) {
  return z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      const parsed = parse(value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${parsed.message}; ${todo}` });
    });
}

/** `secrets[].valueFrom`, `logConfiguration.secretOptions[].valueFrom`, `repositoryCredentials.credentialsParameter`. */
export const SecretValueFrom = checked(
  parseValueFrom,
  'give a berth Secret name, or a Secrets Manager or SSM ARN whose name is one (berth create secret NAME)',
);

/** `environmentFiles[].value`. */
export const EnvironmentFileValue = checked(parseEnvironmentFile, 'berth reads the object KEY as a Secret (berth create secret KEY --from-file)');
