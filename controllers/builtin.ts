/** berth's own controllers, as `berth up` and `berth server` run them. */
import type { ControllerDefinition } from './kit/controller.js';
import { schedulerController, type SchedulerOptions } from './scheduler/controller.js';
import { createClusterStatusController, type ClusterStatusControllerOptions } from './cluster/index.js';
import { createInstanceController, type InstanceControllerOptions } from './instance/index.js';
import { createTaskController, type TaskControllerOptions } from './task/index.js';
import { serviceController, type ServiceControllerOptions } from './service/index.js';
import { targetGroupController } from './lb/index.js';

/** Tuning for the built-in controllers; the defaults are ECS's. Tests shorten the timings. */
export interface BuiltinControllerOptions {
  scheduler?: SchedulerOptions;
  instance?: InstanceControllerOptions;
  task?: TaskControllerOptions;
  service?: ServiceControllerOptions;
  cluster?: ClusterStatusControllerOptions;
}

export function builtinControllers(options: BuiltinControllerOptions = {}): ControllerDefinition[] {
  return [
    schedulerController(options.scheduler),
    createInstanceController(options.instance),
    createTaskController(options.task),
    serviceController(options.service),
    createClusterStatusController(options.cluster),
    targetGroupController(),
  ];
}
