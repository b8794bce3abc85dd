/** The task controller (garbage collection of STOPPED tasks) and its pure retention plan. */
export { createTaskController, TASK_CONTROLLER, type TaskControllerOptions } from './controller.js';
export { needsDesiredStopped } from './desired-status.js';
export { retentionPlan, stoppedSince, type RetentionPlan } from './retention.js';
