/**
 * ContainerInstance: a machine running the berth agent and a Docker engine.
 * The agent registers it (spec) and reports on it (status); operators drain it by setting
 * spec.status to DRAINING.
 */
import { z } from 'zod';
import { Count } from './common.js';
import { defineKind, Timestamp } from './meta.js';
import { InstanceUtilization } from './utilization.js';

export const CONTAINER_INSTANCE_STATUSES = ['ACTIVE', 'DRAINING'] as const;
export const DEFAULT_CONTAINER_INSTANCE_STATUS = 'ACTIVE';

/** Well-known attribute names, as ECS's agent sets them; any other name is a custom attribute. */
export const ATTRIBUTES = {
  availabilityZone: 'ecs.availability-zone',
  instanceType: 'ecs.instance-type',
  osType: 'ecs.os-type',
  cpuArchitecture: 'ecs.cpu-architecture',
  /** Where other machines reach this instance's published ports (`berth agent --host-address`): load balancers' targets, discovery's A records. */
  hostAddress: 'berth.host-address',
} as const;

/** The agent port, Docker's ports and SSH: what ECS reserves on every instance. */
export const DEFAULT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679] as const;

const Port = z.int().min(1).max(65535);
const AttributeName = z.string().regex(/^[A-Za-z0-9_.:/-]{1,128}$/, 'attribute names are 1-128 letters, digits, "-", "_", ".", ":" or "/"');

export const ContainerInstanceSpec = z.strictObject({
  status: z.enum(CONTAINER_INSTANCE_STATUSES).default(DEFAULT_CONTAINER_INSTANCE_STATUS),
  attributes: z.record(AttributeName, z.string().max(128)).default({}),
  /** What the machine offers to tasks: cpu units (1024 per core), memory in MiB, reserved ports. */
  registeredResources: z.strictObject({
    cpu: Count,
    memory: Count,
    /** GPUs the machine offers (ECS's GPU resource); absent: none. */
    gpu: Count.optional(),
    /** Host ports no task may take (TCP and UDP). */
    ports: z.array(Port).optional(),
    portsUdp: z.array(Port).optional(),
  }),
  agent: z
    .strictObject({
      /** Where the server can reach the agent, e.g. http://10.0.0.5:51678 (if it listens at all). */
      address: z.string().min(1).optional(),
      /**
       * SHA-256 of the certificate an https log server serves (`AB:CD:…`, 32 bytes): the API server
       * connects only to a server presenting that certificate, so nothing else can take its token.
       */
      certificateSha256: z
        .string()
        .regex(/^(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'expected 32 hex bytes joined by ":", as openssl and Node print a SHA-256 fingerprint')
        .optional(),
      version: z.string().min(1).optional(),
    })
    .optional(),
});
export type ContainerInstanceSpec = z.infer<typeof ContainerInstanceSpec>;

export const ContainerInstanceStatus = z.strictObject({
  /** What is left after placed tasks: cpu units, MiB, and host ports in use (reserved + bound). */
  remainingResources: z
    .strictObject({
      cpu: z.int(),
      memory: z.int(),
      portsTcp: z.array(Port).default([]),
      portsUdp: z.array(Port).default([]),
    })
    .optional(),
  agentConnected: z.boolean().default(false),
  lastHeartbeat: Timestamp.optional(),
  runningTasksCount: Count.default(0),
  pendingTasksCount: Count.default(0),
  registeredAt: Timestamp.optional(),
  utilization: InstanceUtilization.optional(),
});
export type ContainerInstanceStatus = z.infer<typeof ContainerInstanceStatus>;

export const ContainerInstance = defineKind('ContainerInstance', ContainerInstanceSpec, ContainerInstanceStatus);
export type ContainerInstance = z.infer<typeof ContainerInstance>;
