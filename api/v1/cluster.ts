/**
 * Cluster: a pool of container instances, and the scope (like a namespace) of every other object.
 */
import { z } from 'zod';
import { Count, LaunchType } from './common.js';
import { defineKind } from './meta.js';
import { PlacementStrategies } from './placement.js';
import { TaskPolicy } from './task-policy.js';

export const ClusterSpec = z
  .strictObject({
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
