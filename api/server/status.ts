/**
 * The API's error body, Kubernetes' Status: `{kind: "Status", code, reason, message, details}`.
 * The server builds it from typed errors; the HTTP client parses it back into the same error
 * classes. `details.causes` carries every field path of an Invalid object, both as Kubernetes'
 * dotted `field` and as the exact `path` array (label keys may contain dots).
 */
import { z } from 'zod';

export const StatusCause = z.object({
  field: z.string(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});

export const StatusDetails = z.object({
  kind: z.string().optional(),
  cluster: z.string().optional(),
  name: z.string().optional(),
  /** For Conflict: the resourceVersion the request expected. */
  resourceVersion: z.string().optional(),
  causes: z.array(StatusCause).optional(),
  retriable: z.boolean().optional(),
});

export const Status = z.object({
  kind: z.literal('Status'),
  apiVersion: z.literal('v1'),
  status: z.literal('Failure'),
  code: z.number().int(),
  reason: z.string(),
  message: z.string(),
  details: StatusDetails.optional(),
});
export type Status = z.infer<typeof Status>;
export type StatusDetails = z.infer<typeof StatusDetails>;

/** Kubernetes' reasons, by HTTP status, for errors that carry no reason of their own. */
export const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function status(code: number, message: string, options: { reason?: string; details?: StatusDetails } = {}): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason: options.reason ?? REASONS[code] ?? 'Unknown',
    message,
    ...(options.details ? { details: options.details } : {}),
  };
}
