/**
 * Network modes and port mappings, and the one rule everyone needs: which host port a mapping takes.
 */
import { z } from 'zod';
import { TransportProtocol } from './common.js';

/**
 * ECS's network modes. `awsvpc`, as on ECS, gives the task one network namespace of its own that
 * all its containers share (they reach each other on localhost), held by a sandbox container on
 * the instance's bridge (controllers/agent/runtime/spec-sandbox.ts). The sandbox's address stands
 * for the task's elastic network interface: it is reported as the task's attachment, the task's
 * ports are reached there (load balancer targets of type `ip`, service discovery), and nothing is
 * published on the instance, so two tasks on one instance can both listen on the same port.
 */
export const NETWORK_MODES = ['bridge', 'host', 'none', 'awsvpc'] as const;
export const NetworkMode = z.enum(NETWORK_MODES);
export type NetworkMode = z.infer<typeof NetworkMode>;
export const DEFAULT_NETWORK_MODE: NetworkMode = 'bridge';

/** Host port 0 (or no host port) in bridge mode asks Docker for a free ephemeral port. */
export const DYNAMIC_HOST_PORT = 0;
export const DEFAULT_PROTOCOL = 'tcp';

export const PortMapping = z.strictObject({
  containerPort: z.int().min(1, 'containerPort must be 1-65535').max(65535, 'containerPort must be 1-65535'),
  /** 0 or absent: dynamic in bridge mode, equal to containerPort in host and awsvpc modes. */
  hostPort: z.int().min(0, 'hostPort must be 0-65535').max(65535, 'hostPort must be 0-65535').optional(),
  protocol: TransportProtocol.default(DEFAULT_PROTOCOL),
  /** Service Connect names; berth keeps them for the record. */
  name: z.string().min(1).max(64).optional(),
  appProtocol: z.enum(['http', 'http2', 'grpc']).optional(),
});
export type PortMapping = z.infer<typeof PortMapping>;

/**
 * Modes in which a mapping's hostPort, if given, must equal its containerPort (ECS: "The hostPort can
 * be left blank or it must be the same value as the containerPort"): in host mode the container's
 * port is the host's; in awsvpc it is the task's own interface's.
 */
export function sharesHostPorts(mode: NetworkMode): boolean {
  return mode === 'host' || mode === 'awsvpc';
}

/**
 * Whether a mode's port mappings take ports of the instance. Not awsvpc, whose ports are on the
 * task's own address (as on ECS, its own network interface), nor none, which has no ports.
 */
export function takesHostPorts(mode: NetworkMode): boolean {
  return mode === 'bridge' || mode === 'host';
}

/**
 * The port a mapping listens at in the network namespace that exposes it: a fixed port, or DYNAMIC_HOST_PORT when Docker picks one.
 * In host and awsvpc modes an absent hostPort means the container port itself (validation has
 * already rejected any other hostPort there). It is a port of the instance only where
 * takesHostPorts(mode).
 */
export function effectiveHostPort(mapping: Pick<PortMapping, 'containerPort' | 'hostPort'>, mode: NetworkMode): number {
  if (sharesHostPorts(mode)) return mapping.hostPort ?? mapping.containerPort;
  return mapping.hostPort ?? DYNAMIC_HOST_PORT;
}
