/**
 * `berth rollout continue|rollback|stop service NAME`: ECS's ContinueServiceDeployment (CONTINUE,
 * or ROLLBACK of a paused deployment) and StopServiceDeployment (stop and roll back). The command
 * records the request on the service as an annotation (users own metadata, the controller owns
 * status); the service controller acts on it at its next pass and says so in the events.
 */
import { ROLLOUT_ACTION_ANNOTATION, type RolloutAction } from '../../api/v1/deployment-strategy.js';
import { UsageError } from '../commands/actions/apply.js';
import { withSession } from '../commands/actions/run.js';
import type { RolloutFlags } from '../commands/rollout.js';
import { serviceName } from './target.js';

export interface RolloutActionFlags extends RolloutFlags {
  action: RolloutAction['action'];
  hookId?: string;
}

const VERB = { CONTINUE: 'continue', ROLLBACK: 'rollback', STOP: 'stop' } as const;

export default function runAction(flags: RolloutActionFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const verb = VERB[flags.action];
    const name = serviceName(flags.args, verb);
    const cluster = flags.cluster ?? defaultCluster;
    const service = await client.mustGet('Service', { cluster, name });
    const primary = service.status?.deployments.find((d) => d.status === 'PRIMARY');
    if (primary?.rolloutState !== 'IN_PROGRESS')
      throw new UsageError(`service ${name} has no deployment in progress to ${verb} (its PRIMARY deployment is ${primary?.rolloutState ?? 'absent'})`);
    const awaiting = (primary.rollout?.hooks ?? []).filter((h) => h.status === 'AWAITING_ACTION' && (flags.hookId === undefined || h.hookId === flags.hookId));
    if (flags.action === 'CONTINUE' && awaiting.length === 0)
      throw new UsageError(
        `deployment ${primary.id} of service ${name} is not paused${flags.hookId ? ` at hook ${flags.hookId}` : ''} (stage ${primary.rollout?.stage ?? 'rolling'}); nothing to continue`,
      );
    // The controller releases the pauses that began before `at`: never earlier than the newest one
    // seen here, so a clock behind the server's still releases what the user saw.
    const at = Math.max(Date.now(), ...awaiting.map((h) => Date.parse(h.startedAt)).filter((t) => !Number.isNaN(t)));
    const action: RolloutAction = {
      action: flags.action,
      deployment: primary.id,
      at: new Date(at).toISOString(),
      ...(flags.hookId ? { hookId: flags.hookId } : {}),
    };
    await client.mutate('Service', { cluster, name }, (s) => {
      s.metadata.annotations = { ...s.metadata.annotations, [ROLLOUT_ACTION_ANNOTATION]: JSON.stringify(action) };
    });
    const said = {
      CONTINUE: `continuing deployment ${primary.id} (${awaiting.map((h) => h.hookId).join(', ')})`,
      ROLLBACK: `rolling back deployment ${primary.id}`,
      STOP: `stopping deployment ${primary.id} (it rolls back)`,
    }[flags.action];
    io.stdout.write(`service/${name} ${said}\n`);
    return 0;
  });
}
