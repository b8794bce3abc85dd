/**
 * The smaller structures a container definition is made of, in ECS's shapes.
 */
import { z } from 'zod';
import { EnvironmentFileValue, SecretValueFrom } from './secret-source.js';

export const DEPENDENCY_CONDITIONS = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'] as const;
export const ContainerDependency = z.strictObject({
  containerName: z.string().min(1),
  condition: z.enum(DEPENDENCY_CONDITIONS),
});
export type ContainerDependency = z.infer<typeof ContainerDependency>;

export const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;
export const Ulimit = z
  .strictObject({ name: z.enum(ULIMIT_NAMES), softLimit: z.int(), hardLimit: z.int() })
  .refine((u) => u.softLimit <= u.hardLimit, { message: 'softLimit must not exceed hardLimit', path: ['softLimit'] });
export type Ulimit = z.infer<typeof Ulimit>;

/** A secret's value comes from elsewhere (ECS: Secrets Manager or SSM; berth: the agent's resolver). */
export const Secret = z.strictObject({ name: z.string().min(1), valueFrom: SecretValueFrom });
export type Secret = z.infer<typeof Secret>;

/** ECS's log drivers, plus Docker's `local` and `none`, which berth's agent also passes through. */
export const LOG_DRIVERS = ['json-file', 'syslog', 'journald', 'logentries', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens', 'local', 'none'] as const;
export const LogConfiguration = z.strictObject({
  logDriver: z.enum(LOG_DRIVERS),
  options: z.record(z.string(), z.string()).optional(),
  secretOptions: z.array(Secret).optional(),
});
export type LogConfiguration = z.infer<typeof LogConfiguration>;

export const MountPoint = z.strictObject({
  sourceVolume: z.string().min(1),
  containerPath: z.string().min(1),
  readOnly: z.boolean().default(false),
});
export type MountPoint = z.infer<typeof MountPoint>;

export const VolumeFrom = z.strictObject({
  sourceContainer: z.string().min(1),
  readOnly: z.boolean().default(false),
});
export type VolumeFrom = z.infer<typeof VolumeFrom>;

export const EnvironmentFile = z.strictObject({ type: z.literal('s3'), value: EnvironmentFileValue });
export const ExtraHost = z.strictObject({ hostname: z.string().min(1), ipAddress: z.string().min(1) });

export const LinuxParameters = z.strictObject({
  capabilities: z.strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() }).optional(),
  devices: z
    .array(
      z.strictObject({
        hostPath: z.string().min(1),
        containerPath: z.string().min(1).optional(),
        permissions: z.array(z.enum(['read', 'write', 'mknod'])).optional(),
      }),
    )
    .optional(),
  /** Docker's --init: a PID 1 that forwards signals, so `docker stop` does not wait out the timeout. */
  initProcessEnabled: z.boolean().optional(),
  sharedMemorySize: z.int().min(1).optional(),
  tmpfs: z
    .array(
      z.strictObject({
        containerPath: z.string().min(1),
        size: z.int().min(1),
        mountOptions: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  maxSwap: z.int().min(0).optional(),
  swappiness: z.int().min(0).max(100).optional(),
});
export type LinuxParameters = z.infer<typeof LinuxParameters>;

export const ResourceRequirement = z.strictObject({ type: z.enum(['GPU', 'InferenceAccelerator']), value: z.string().min(1) });
export const SystemControl = z.strictObject({ namespace: z.string().min(1), value: z.string() });
export const RepositoryCredentials = z.strictObject({ credentialsParameter: SecretValueFrom });
export const FirelensConfiguration = z.strictObject({
  type: z.enum(['fluentd', 'fluentbit']),
  options: z.record(z.string(), z.string()).optional(),
});
export const RestartPolicy = z.strictObject({
  enabled: z.boolean(),
  ignoredExitCodes: z.array(z.int()).max(50).optional(),
  restartAttemptPeriod: z.int().min(60).max(1800).optional(),
});
