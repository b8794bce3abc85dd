/**
 * One container of a task definition: ECS's ContainerDefinition, field for field, so ECS JSON drops in.
 *
 * Fields accepted for compatibility but not applied are listed, with the reason, in
 * unapplied-fields.ts (validate and apply warn about each use). Fields ECS itself rejects are
 * rejected here (strict objects), so a typo such as `memroy` is an error, not a silently missing limit.
 * A log driver that needs a hosted service runs on the instance's local driver, its options
 * kept in a label (controllers/agent/runtime/spec-logs.ts).
 */
import { z } from 'zod';
import { EcsIdentifier, KeyValuePair } from './common.js';
import {
  ContainerDependency,
  EnvironmentFile,
  ExtraHost,
  FirelensConfiguration,
  LinuxParameters,
  LogConfiguration,
  MountPoint,
  RepositoryCredentials,
  ResourceRequirement,
  RestartPolicy,
  Secret,
  SystemControl,
  Ulimit,
  VolumeFrom,
} from './container-parts.js';
import { HealthCheck } from './health-check.js';
import { PortMapping } from './networking.js';
import { MIN_MEMORY_MIB } from './units.js';

/** Linux CPU shares top out at 262144; 1024 units are one vCPU. */
export const MAX_CONTAINER_CPU_UNITS = 262_144;
export const STOP_TIMEOUT_RANGE = { min: 2, max: 120 } as const;
export const START_TIMEOUT_RANGE = { min: 2, max: 3600 } as const;
/** What the agent uses when stopTimeout is absent (ECS_CONTAINER_STOP_TIMEOUT's default). */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
export const CONTAINER_DEFAULTS = { essential: true } as const;

const MemoryMiB = z.int().min(MIN_MEMORY_MIB, `must be at least ${MIN_MEMORY_MIB} MiB (Docker's minimum)`);
const Timeout = (r: { min: number; max: number }) => z.int().min(r.min, `must be ${r.min}-${r.max} seconds`).max(r.max, `must be ${r.min}-${r.max} seconds`);

export const ContainerDefinition = z
  .strictObject({
    name: EcsIdentifier,
    image: z.string({ error: 'required: the image to run, e.g. "nginx:1.27"' }).min(1).max(255),
    /** CPU units reserved for the container (1024 = one vCPU); 0 = no reservation. */
    cpu: z.int().min(0).max(MAX_CONTAINER_CPU_UNITS).optional(),
    /** Hard limit in MiB: the container is killed above it. */
    memory: MemoryMiB.optional(),
    /** Soft limit in MiB: what placement subtracts from an instance when given. */
    memoryReservation: MemoryMiB.optional(),
    portMappings: z.array(PortMapping).optional(),
    /** `name` or `name:alias` of another container in the task (bridge mode only). */
    links: z.array(z.string().min(1)).optional(),
    essential: z.boolean().default(CONTAINER_DEFAULTS.essential),
    environment: z.array(KeyValuePair).optional(),
    environmentFiles: z.array(EnvironmentFile).optional(),
    secrets: z.array(Secret).optional(),
    command: z.array(z.string()).optional(),
    entryPoint: z.array(z.string()).optional(),
    workingDirectory: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    healthCheck: HealthCheck.optional(),
    dependsOn: z.array(ContainerDependency).optional(),
    stopTimeout: Timeout(STOP_TIMEOUT_RANGE).optional(),
    startTimeout: Timeout(START_TIMEOUT_RANGE).optional(),
    ulimits: z.array(Ulimit).optional(),
    dockerLabels: z.record(z.string(), z.string()).optional(),
    logConfiguration: LogConfiguration.optional(),
    mountPoints: z.array(MountPoint).optional(),
    volumesFrom: z.array(VolumeFrom).optional(),
    hostname: z.string().min(1).optional(),
    extraHosts: z.array(ExtraHost).optional(),
    dnsServers: z.array(z.string().min(1)).optional(),
    dnsSearchDomains: z.array(z.string().min(1)).optional(),
    privileged: z.boolean().optional(),
    readonlyRootFilesystem: z.boolean().optional(),
    linuxParameters: LinuxParameters.optional(),
    disableNetworking: z.boolean().optional(),
    interactive: z.boolean().optional(),
    pseudoTerminal: z.boolean().optional(),
    systemControls: z.array(SystemControl).optional(),
    resourceRequirements: z.array(ResourceRequirement).optional(),
    /** Docker's --security-opt; anything but no-new-privileges needs the task policy's securityOptions. */
    dockerSecurityOptions: z.array(z.string()).optional(),
    /** The agent restarts the exited container in place (controllers/agent/restart-policy.ts). */
    restartPolicy: RestartPolicy.optional(),
    // Some accepted, not applied (unapplied-fields.ts).
    repositoryCredentials: RepositoryCredentials.optional(),
    firelensConfiguration: FirelensConfiguration.optional(),
    credentialSpecs: z.array(z.string()).optional(),
    versionConsistency: z.enum(['enabled', 'disabled']).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory)
      ctx.addIssue({
        code: 'custom',
        path: ['memoryReservation'],
        message: `memoryReservation (${c.memoryReservation} MiB) must not exceed memory (${c.memory} MiB), the hard limit`,
      });
  });
export type ContainerDefinition = z.infer<typeof ContainerDefinition>;

/** The container a `links` entry names: `db:database` links to container `db`. */
export function linkTarget(link: string): string {
  const colon = link.indexOf(':');
  return colon < 0 ? link : link.slice(0, colon);
}
