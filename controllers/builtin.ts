/** berth's own controllers, as `berth up` and `berth server` run them. */
import type { ControllerDefinition } from './kit/controller.js';

export function builtinControllers(): ControllerDefinition[] {
  return [];
}
