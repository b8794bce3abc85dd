/** The task controller (garbage collection of STOPPED tasks) and its pure retention plan. */
export { createTaskController, MAX_STOPPED_TASKS_PER_SERVICE, TASK_CONTROLLER, type TaskControllerOptions } from './controller.js';
export { needsDesiredStopped } from './desired-status.js';
export { excessStopped, retentionPlan, stoppedSince, type RetentionPlan } from './retention.js';
