/** What every ECS operation is given: the caller's client, where ARNs live, and the clock. */
import type { Principal } from '../../auth/principal.js';
import type { ArnContext } from '../../v1/arn.js';
import type { ResourceStore } from '../../usecases/resources/resource-store.js';
import type { CallerClient } from './caller-client.js';
import type { TaskApiOptions } from '../../usecases/tasks/create-tasks.js';

export interface EcsCall {
  client: CallerClient;
  /** For reads every caller may make once authorized for the kind (whole-account lists). */
  resources: ResourceStore;
  principal: Principal;
  arn: ArnContext;
  now: () => Date;
  /** RunTask's placement check (ECS reports tasks no instance can take in `failures`). */
  placement?: TaskApiOptions['placement'];
}

/** An operation: a parsed (zod at the edge, in each operation's file) body in, the response body out. */
export type Operation = (call: EcsCall, body: unknown) => Promise<Record<string, unknown>>;
