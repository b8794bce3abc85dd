/**
 * Builders of small valid objects for tests (berth's own and extension authors'). Each returns raw
 * input, as a user would write it; pass it to validateObject or a kind's schema to get the parsed form.
 */
import { API_VERSION } from './meta.js';

type Plain = Record<string, unknown>;

/** A container with just what validation needs. */
export function rawContainer(name: string, extra: Plain = {}): Plain {
  return { name, image: 'berth.local/busybox:1', memory: 32, ...extra };
}

/** A TaskDefinition manifest whose spec is `spec` (with one container unless given). */
export function rawTaskDefinition(spec: Plain = {}, name = 'web'): Plain {
  return {
    apiVersion: API_VERSION,
    kind: 'TaskDefinition',
    metadata: { name },
    spec: { containerDefinitions: [rawContainer('app')], ...spec },
  };
}

/** Any kind's manifest, e.g. rawObject('Service', {taskDefinition: 'web'}). */
export function rawObject(kind: string, spec: Plain, name = 'x', status?: Plain): Plain {
  return { apiVersion: API_VERSION, kind, metadata: { name }, spec, ...(status ? { status } : {}) };
}

/** Minimal valid specs of every kind, for tests that need "some valid object of kind K". */
export const MINIMAL_SPECS = {
  Cluster: {},
  ContainerInstance: { registeredResources: { cpu: 2048, memory: 4096 } },
  TaskDefinition: { containerDefinitions: [rawContainer('app')] },
  Task: { taskDefinition: 'web:1' },
  Service: { taskDefinition: 'web' },
  Lease: { leaseDurationSeconds: 15 },
  Secret: { stringData: { password: 'x' } },
  LoadBalancer: { listeners: [{ port: 8080, defaultActions: [{ type: 'forward', targetGroupName: 'web' }] }] },
  TargetGroup: {},
} as const;
