/**
 * Volumes as Docker sees them. ECS's three kinds of task volume:
 * - `host.sourcePath`: a bind mount of that host path (as `-v`, which creates a missing directory);
 * - `dockerVolumeConfiguration`: a Docker volume with that driver; scope `shared` uses the volume's
 *   own name so tasks share it, scope `task` a task-scoped name;
 * - anything else: a task-scoped Docker volume. Named rather than anonymous, because the point of a
 *   task volume is that several containers of the task mount the same one, and anonymous volumes
 *   cannot be shared by name. Task-scoped volumes carry the task's labels; the agent removes them
 *   (listVolumes + removeVolume) after the task's containers.
 */
import type { HostConfig, MountSettings } from 'dockerode';
import type { ContainerDefinition } from '../../../api/v1/container-definition.js';
import type { Volume } from '../../../api/v1/volume.js';
import { ContainerSpecError } from './errors.js';
import { containerName, DOCKER_LABELS, taskVolumeName, type TaskIdentity } from './names.js';

export interface MountContext {
  cluster: string;
  task: TaskIdentity;
  volumes: readonly Volume[];
  /** Labels that tie task-scoped volumes to the task. */
  taskLabels: Record<string, string>;
}

export function mountOptions(c: ContainerDefinition, ctx: MountContext): Pick<HostConfig, 'Binds' | 'Mounts' | 'VolumesFrom'> {
  const binds: string[] = [];
  const mounts: MountSettings[] = [];
  c.mountPoints?.forEach((m, i) => {
    const volume = ctx.volumes.find((v) => v.name === m.sourceVolume);
    if (!volume) throw new ContainerSpecError(c.name, `mountPoints[${i}].sourceVolume`, `no volume named "${m.sourceVolume}" in the task definition`);
    const sourcePath = volume.host?.sourcePath;
    if (sourcePath !== undefined) binds.push(`${sourcePath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`);
    else mounts.push(volumeMount(volume, m.containerPath, m.readOnly, ctx));
  });
  const out: Pick<HostConfig, 'Binds' | 'Mounts' | 'VolumesFrom'> = {};
  if (binds.length) out.Binds = binds;
  if (mounts.length) out.Mounts = mounts;
  if (c.volumesFrom?.length) out.VolumesFrom = c.volumesFrom.map((v) => `${containerName(ctx.cluster, ctx.task, v.sourceContainer)}${v.readOnly ? ':ro' : ''}`);
  return out;
}

function volumeMount(volume: Volume, target: string, readOnly: boolean, ctx: MountContext): MountSettings {
  const config = volume.dockerVolumeConfiguration;
  const shared = config?.scope === 'shared';
  const labels = shared ? { ...config?.labels } : { ...config?.labels, ...ctx.taskLabels, [DOCKER_LABELS.volume]: volume.name };
  return {
    Type: 'volume',
    Source: shared ? volume.name : taskVolumeName(ctx.cluster, ctx.task, volume.name),
    Target: target,
    ReadOnly: readOnly,
    // Used by Docker only when it creates the volume (the first container to mount it).
    VolumeOptions: {
      NoCopy: false,
      Labels: labels,
      DriverConfig: { Name: config?.driver ?? 'local', Options: { ...config?.driverOpts } },
    },
  };
}
