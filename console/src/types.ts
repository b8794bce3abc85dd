/** The API's kinds as the console reads them: the zod schemas' own types (api/v1), types only. */
export type { Cluster } from '../../api/v1/cluster.js';
export type { ContainerInstance } from '../../api/v1/container-instance.js';
export type { Service, Deployment } from '../../api/v1/service.js';
export type { Task } from '../../api/v1/task.js';
export type { TaskDefinition } from '../../api/v1/task-definition.js';
