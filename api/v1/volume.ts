/**
 * Task volumes, as ECS declares them: a bind mount (`host`, optionally with a `sourcePath` on the
 * instance) or a Docker volume (`dockerVolumeConfiguration`). A volume with neither is an empty,
 * Docker-managed scratch volume that lives as long as the task.
 */
import { z } from 'zod';
import { EcsIdentifier } from './common.js';

export const DOCKER_VOLUME_SCOPES = ['task', 'shared'] as const;
export const DEFAULT_DOCKER_VOLUME_SCOPE = 'task';

export const DockerVolumeConfiguration = z
  .strictObject({
    /** `task` volumes are removed with the task; `shared` ones outlive it and are reused by name. */
    scope: z.enum(DOCKER_VOLUME_SCOPES).default(DEFAULT_DOCKER_VOLUME_SCOPE),
    autoprovision: z.boolean().optional(),
    driver: z.string().min(1).optional(),
    driverOpts: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .refine((c) => !(c.autoprovision && c.scope !== 'shared'), {
    path: ['autoprovision'],
    message: 'autoprovision can only be used with scope "shared"',
  });
export type DockerVolumeConfiguration = z.infer<typeof DockerVolumeConfiguration>;

const unsupported = (what: string) =>
  z.never({ error: `${what} volumes need AWS and are not supported by berth; use host.sourcePath or dockerVolumeConfiguration` }).optional();

export const Volume = z
  .strictObject({
    name: EcsIdentifier,
    host: z.strictObject({ sourcePath: z.string().min(1).optional() }).optional(),
    dockerVolumeConfiguration: DockerVolumeConfiguration.optional(),
    efsVolumeConfiguration: unsupported('EFS'),
    fsxWindowsFileServerVolumeConfiguration: unsupported('FSx for Windows File Server'),
  })
  .refine((v) => !(v.host && v.dockerVolumeConfiguration), {
    path: ['dockerVolumeConfiguration'],
    message: 'a volume is either a bind mount (host) or a Docker volume (dockerVolumeConfiguration), not both',
  });
export type Volume = z.infer<typeof Volume>;
