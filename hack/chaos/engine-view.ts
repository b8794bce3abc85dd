/** The checker's reading of the second engine: berth's containers and networks, by their labels. */
import type Docker from 'dockerode';
import { DOCKER_LABELS } from '../../controllers/agent/runtime/names.js';

export interface EngineContainer {
  id: string;
  name: string;
  state: string;
  /** Docker's status text says "(healthy)" for a container whose check passes. */
  healthy: boolean;
  /** "(health: starting)": its health check has not passed in Docker's own runs yet. */
  starting: boolean;
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
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return {
    containers: containers.map((c) => {
      const l = c.Labels ?? {};
      return {
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        state: c.State,
        healthy: /\(healthy\)/.test(c.Status ?? ''),
        starting: /\(health: starting\)/.test(c.Status ?? ''),
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

const CHECK_TIMEOUT_MS = 5_000;

/**
 * The containers (of `containers`) whose own health check passes when the checker runs it now, as
 * Docker runs it: its HEALTHCHECK command exec'd in the container, exit code 0 within the timeout.
 */
export async function passedChecks(docker: Docker, containers: readonly EngineContainer[]): Promise<Set<string>> {
  const passed = new Set<string>();
  await Promise.all(
    containers.map(async (c) => {
      if (await checkPasses(docker, c.id).catch(() => false)) passed.add(c.id);
    }),
  );
  return passed;
}

async function checkPasses(docker: Docker, id: string): Promise<boolean> {
  const container = docker.getContainer(id);
  const test = (await container.inspect()).Config.Healthcheck?.Test ?? [];
  const [form, ...args] = test;
  const cmd = form === 'CMD-SHELL' ? ['/bin/sh', '-c', args.join(' ')] : form === 'CMD' ? args : undefined;
  if (cmd === undefined || cmd.length === 0) return false;
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`health check of ${id} took over ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    stream.on('end', () => (clearTimeout(timer), resolve()));
    stream.on('error', (err) => (clearTimeout(timer), reject(err)));
    stream.resume();
  });
  return (await exec.inspect()).ExitCode === 0;
}
