/** The checker's reading of the second engine: berth's containers and networks, by their labels. */
import type Docker from 'dockerode';
import { dockerFailure } from '../../controllers/agent/runtime/docker-error.js';
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
  const [listed, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  const containers = (await Promise.all(listed.map((c) => withLiveState(docker, c)))).flatMap((c) => (c ? [c] : []));
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

/**
 * A container the list shows as `removing` is asked about again, by inspect: Docker 20.10 lists a
 * container whose removal FAILED (its root filesystem busy, say) as "Removal In Progress" for as
 * long as it stays, although its own state says `dead` (moby#36679: the list's copy of the state is
 * saved while the removal is under way and not again after it fails). Inspect reads the state
 * itself: `dead` is judged as dead (kept like an exited container), a removal really under way is
 * still `removing` (an orphan if it outlasts the grace), and a container removed meanwhile is gone.
 */
async function withLiveState(docker: Docker, c: Docker.ContainerInfo): Promise<Docker.ContainerInfo | undefined> {
  if (c.State !== 'removing') return c;
  try {
    const state = (await docker.getContainer(c.Id).inspect()).State.Status;
    return { ...c, State: state };
  } catch (err) {
    if (dockerFailure(err).status === 404) return undefined;
    throw err;
  }
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
