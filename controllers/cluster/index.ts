/** The cluster status controller (controller.ts) and its pure plan (counts, coalesced writes). */
export { createClusterStatusController, CLUSTER_STATUS_CONTROLLER, type ClusterStatusControllerOptions } from './controller.js';
export { clusterCounts, planClusterStatus, type ClusterCounts, type ClusterStatusPlan } from './plan.js';
