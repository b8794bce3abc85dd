/** The checker's reading of the second engine: berth's containers and networks, by their labels. */
import type Docker from 'dockerode';
import { DOCKER_LABELS } from '../../controllers/agent/runtime/names.js';

export interface EngineContainer {
  id: string;
  name: string;
  state: string;
  /** Docker's status text says "(healthy)" for a container whose check passes. */
  healthy: boolean;
  taskName: string;
  taskUid: string;
  container: string;
  instance: string;
  taskDefinition: string;
}

export interface EngineNetwork {
  name: string;
  taskName: string;
  taskUid: string;
}

export interface EngineSnapshot {
  containers: EngineContainer[];
  networks: EngineNetwork[];
}

export async function engineSnapshot(docker: Docker, cluster: string): Promise<EngineSnapshot> {
  const filters = JSON.stringify({ label: [`${DOCKER_LABELS.cluster}=${cluster}`] });
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
  ]);
  return {
    containers: containers.map((c) => {
      const l = c.Labels ?? {};
      return {
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        state: c.State,
        healthy: /\(healthy\)/.test(c.Status ?? ''),
        taskName: l[DOCKER_LABELS.task] ?? '',
        taskUid: l[DOCKER_LABELS.taskUid] ?? '',
        container: l[DOCKER_LABELS.container] ?? '',
        instance: l[DOCKER_LABELS.instance] ?? '',
        taskDefinition: l[DOCKER_LABELS.taskDefinition] ?? '',
      };
    }),
    networks: networks.map((n) => ({ name: n.Name, taskName: n.Labels?.[DOCKER_LABELS.task] ?? '', taskUid: n.Labels?.[DOCKER_LABELS.taskUid] ?? '' })),
  };
}
