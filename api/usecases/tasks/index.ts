/**
 * One-off tasks, ECS's RunTask / StartTask / StopTask over any BerthClient: used by the CLI and the
 * ECS-compatible API. Input is parsed with zod; mistakes throw TaskRequestError naming the field.
 */
export { runTask } from './run-task.js';
export { startTask } from './start-task.js';
export { stopTask, USER_STOP_REASON } from './stop-task.js';
export { MAX_TASKS_PER_CALL, RunTaskInput, StartTaskInput, StopTaskInput } from './inputs.js';
export { TaskRequestError, type EcsErrorCode } from './errors.js';
export { lookUpTaskDefinition } from './resolve-definition.js';
export { taskName } from './names.js';
export type { TaskApiOptions, TaskFailure, TasksResult } from './create-tasks.js';
