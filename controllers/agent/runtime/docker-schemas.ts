/**
 * What berth reads from the Docker Engine API (1.41+), as zod schemas: Docker's JSON is unknown input
 * and is parsed at the edge. Objects are loose (unknown fields are dropped) because every engine
 * release adds fields; only what berth uses is required. Docker writes `null` for empty maps and lists.
 */
import { z } from 'zod';
import { DockerProtocolError } from './errors.js';

const StringMap = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});

export const DockerPortBinding = z.object({ HostIp: z.string().default(''), HostPort: z.string() });

export const DockerInspect = z.object({
  Id: z.string().min(1),
  Name: z.string(),
  Config: z.object({ Image: z.string(), Labels: StringMap, Tty: z.boolean().default(false), Shell: z.array(z.string()).nullish() }),
  State: z.object({
    Status: z.string(),
    ExitCode: z.int().default(0),
    OOMKilled: z.boolean().default(false),
    Error: z.string().default(''),
    StartedAt: z.string().default(''),
    FinishedAt: z.string().default(''),
    Health: z.object({ Status: z.string() }).nullish(),
  }),
  NetworkSettings: z
    .object({
      Ports: z.record(z.string(), z.array(DockerPortBinding).nullable()).nullish(),
      IPAddress: z.string().nullish(),
      Networks: z.record(z.string(), z.object({ IPAddress: z.string().nullish() }).nullable()).nullish(),
    })
    .nullish(),
});
export type DockerInspect = z.infer<typeof DockerInspect>;

export const DockerContainerListItem = z.object({
  Id: z.string().min(1),
  Names: z.array(z.string()).nullish(),
  Image: z.string().default(''),
  Labels: StringMap,
  State: z.string(),
  Ports: z
    .array(z.object({ PrivatePort: z.int(), PublicPort: z.int().optional(), Type: z.string() }))
    .nullish()
    .transform((p) => p ?? []),
});
export const DockerContainerList = z.array(DockerContainerListItem);

export const DockerEvent = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ ID: z.string().min(1), Attributes: StringMap }),
  time: z.number().optional(),
  timeNano: z.number().optional(),
});
export type DockerEvent = z.infer<typeof DockerEvent>;

export const DockerExecInspect = z.object({ Running: z.boolean(), ExitCode: z.int().nullable() });

export const DockerInfo = z.object({
  NCPU: z.int(),
  MemTotal: z.number(),
  OSType: z.string(),
  Architecture: z.string(),
  ServerVersion: z.string(),
  Plugins: z.object({ Log: z.array(z.string()).nullish() }).nullish(),
  CgroupDriver: z.string().nullish(),
  CgroupVersion: z.string().nullish(),
});

export const DockerNetworkList = z.array(z.object({ Name: z.string(), Labels: StringMap }));

export const DockerVolumeList = z.object({
  Volumes: z
    .array(z.object({ Name: z.string(), Labels: StringMap }))
    .nullish()
    .transform((v) => v ?? []),
});

/**
 * dockerode's error: the HTTP status and Docker's JSON body (absent, empty or not JSON for some
 * statuses, such as 304), or a socket error's code. Each part is optional and read on its own.
 */
export const DockerErrorShape = z.object({
  statusCode: z.int().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  json: z.object({ message: z.string() }).optional().catch(undefined),
});

/** A line of an image pull's progress stream. */
export const PullProgress = z.object({ error: z.string().optional(), errorDetail: z.object({ message: z.string() }).optional() });

/**
 * GET /containers/{id}/stats?stream=false&one-shot=true. A stopped container reads as zeros and
 * an empty `read` time; cgroup v1 calls the page cache total_inactive_file, v2 inactive_file.
 */
export const DockerStats = z.object({
  read: z.string(),
  cpu_stats: z.object({ cpu_usage: z.object({ total_usage: z.number().default(0) }).default({ total_usage: 0 }) }).default({ cpu_usage: { total_usage: 0 } }),
  memory_stats: z
    .object({
      usage: z.number().default(0),
      stats: z.object({ inactive_file: z.number().optional(), total_inactive_file: z.number().optional() }).nullish(),
    })
    .default({ usage: 0 }),
});

export function parseDocker<S extends z.ZodType>(schema: S, what: string, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DockerProtocolError(what, z.prettifyError(parsed.error).replace(/\n/g, '; '));
}
