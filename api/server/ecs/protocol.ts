/**
 * The wire of ECS's API (AWS JSON 1.1, botocore's ecs service-2.json metadata): `POST /` with the
 * operation in `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`, a JSON body, and a
 * JSON answer of the same content type.
 */
export const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
export const AMZ_JSON = 'application/x-amz-json-1.1';

/** The operation a request names, or undefined when its target is not ECS's. */
export function operationOf(target: string | string[] | undefined): string | undefined {
  if (typeof target !== 'string') return undefined;
  const dot = target.indexOf('.');
  if (dot < 0 || target.slice(0, dot) !== TARGET_PREFIX) return undefined;
  const op = target.slice(dot + 1);
  return /^[A-Za-z]+$/.test(op) ? op : undefined;
}

/** A request meant for the ECS endpoint: it carries an X-Amz-Target (whatever its content). */
export function isEcsRequest(method: string, url: string, headers: Record<string, unknown>): boolean {
  return method === 'POST' && url.split('?')[0] === '/' && headers['x-amz-target'] !== undefined;
}
