/**
 * Cluster: a pool of container instances, and the scope (like a namespace) of every other object.
 */
import { z } from 'zod';
import { Count, LaunchType } from './common.js';
import { defineKind } from './meta.js';
import { PlacementStrategies } from './placement.js';
import { TaskPolicy } from './task-policy.js';

/** ECS's quota of tasks per service: a service's desiredCount may not exceed its cluster's maxTasksPerService. */
export const DEFAULT_MAX_TASKS_PER_SERVICE = 5_000;
/** The most a cluster may allow one service: every task is an object in the store. */
export const MAX_TASKS_PER_SERVICE_CEILING = 100_000;

export const ClusterSpec = z
  .strictObject({
    /**
     * The largest desiredCount a service of this cluster may have (default DEFAULT_MAX_TASKS_PER_SERVICE,
     * ECS's quota). A write of a Service above it is refused, naming spec.desiredCount.
     */
    maxTasksPerService: z
      .int()
      .min(1, 'maxTasksPerService must be at least 1')
      .max(MAX_TASKS_PER_SERVICE_CEILING, `maxTasksPerService must be at most ${MAX_TASKS_PER_SERVICE_CEILING}`)
      .optional(),
    /** Free-form cluster settings, as ECS's `containerInsights: enabled`; controllers read what they know. */
    settings: z.record(z.string().min(1), z.string()).optional(),
    /** What task definitions used in this cluster may ask of its hosts (task-policy.ts); absent: restricted. */
    taskPolicy: TaskPolicy.optional(),
    /** Used by services and run-task that do not say otherwise. */
    defaults: z
      .strictObject({
        launchType: LaunchType.optional(),
        placementStrategy: PlacementStrategies.optional(),
      })
      .optional(),
  })
  // An empty cluster needs no spec at all: `{kind: Cluster, metadata: {name: prod}}` is enough.
  .prefault({});
export type ClusterSpec = z.infer<typeof ClusterSpec>;

export const ClusterStatus = z.strictObject({
  registeredContainerInstancesCount: Count.default(0),
  runningTasksCount: Count.default(0),
  pendingTasksCount: Count.default(0),
  activeServicesCount: Count.default(0),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const Cluster = defineKind('Cluster', ClusterSpec, ClusterStatus);
export type Cluster = z.infer<typeof Cluster>;
