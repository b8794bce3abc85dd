/**
 * Removes every container, network and volume carrying `labels` from the engine, pass after pass until
 * none is left. One pass is not enough: an agent's reconcile can outlive its stop grace on a loaded
 * machine and still create a container, and then its network refuses removal ("active endpoints").
 */
import type { DockerRuntime } from '../../controllers/agent/runtime/docker.js';
import { eventually } from '../../controllers/kit/test-env.js';

export async function sweepEngine(runtime: DockerRuntime, labels: Record<string, string>, timeoutMs = 30_000): Promise<void> {
  let lastError: unknown;
  const removeAll = <T>(items: T[], remove: (item: T) => Promise<void>) =>
    Promise.all(items.map((item) => remove(item).catch((e: unknown) => void (lastError = e))));
  try {
    await eventually(
      async () => {
        const containers = await runtime.listContainers({ labels });
        const networks = await runtime.listNetworks({ labels });
        const volumes = await runtime.listVolumes({ labels });
        if (containers.length + networks.length + volumes.length === 0) return true;
        // Containers first: a network or volume in use refuses removal until they are gone.
        await removeAll(containers, (c) => runtime.removeContainer(c.id));
        await removeAll(networks, (n) => runtime.removeTaskNetwork(n.name));
        await removeAll(volumes, (v) => runtime.removeVolume(v.name));
        return false;
      },
      timeoutMs,
      `removal of every container, network and volume labelled ${JSON.stringify(labels)}`,
    );
  } catch (e) {
    throw new Error(`${String(e)}; last removal error: ${String(lastError)}`);
  }
}
