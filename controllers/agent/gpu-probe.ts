/**
 * The GPUs this machine has, for the instance to register (ECS's GPU resource): the NVIDIA device
 * nodes the driver makes, /dev/nvidia0, /dev/nvidia1, … (nvidiactl, nvidia-uvm and the like are
 * not GPUs). No driver, no nodes: 0, so a GPU task is refused at placement with a reason instead of
 * failing when Docker cannot satisfy its device request. `--gpus N` overrides it.
 */
import { readdirSync } from 'node:fs';

const GPU_NODE = /^nvidia\d+$/;

/** The GPU device nodes among `entries` (a /dev listing). */
export function gpusIn(entries: readonly string[]): number {
  return entries.filter((e) => GPU_NODE.test(e)).length;
}

/** The GPUs in `dev` (default /dev); 0 when it cannot be read. */
export function probeGpus(dev = '/dev'): number {
  try {
    return gpusIn(readdirSync(dev));
  } catch {
    return 0;
  }
}
