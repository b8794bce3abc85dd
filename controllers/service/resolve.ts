/** Which revision a service runs: api/v1/task-definition-resolve.ts (shared with ECS's API, which starts deployments too). */
export { resolveTaskDefinition, type Resolution } from '../../api/v1/task-definition-resolve.js';
