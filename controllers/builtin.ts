/** berth's own controllers, as `berth up` and `berth server` run them. */
import type { ControllerDefinition } from './kit/controller.js';
import { schedulerController } from './scheduler/controller.js';
import { createInstanceController } from './instance/index.js';
import { createTaskController } from './task/index.js';
import { serviceController } from './service/index.js';

export function builtinControllers(): ControllerDefinition[] {
  return [schedulerController(), createInstanceController(), createTaskController(), serviceController()];
}
