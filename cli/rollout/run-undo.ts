/**
 * `berth rollout undo service NAME [--to-revision N]`: points spec.taskDefinition at the previous
 * (or the given) revision, pinned (`web:3`), so that a later revision registered under the family
 * does not move the service on by itself. The service controller rolls out as for any change.
 */
import type { RolloutFlags } from '../commands/rollout.js';
import { withSession } from '../commands/actions/run.js';
import { parseTaskDefinitionRef } from '../../api/v1/task-definition-ref.js';
import { listAll } from '../commands/actions/objects.js';
import { undoTarget } from './history.js';
import { serviceName } from './target.js';

export class UndoConflictError extends Error {
  override readonly name = 'UndoConflict';
  readonly retriable = true;
}

export default function runUndo(flags: RolloutFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const name = serviceName(flags.args, 'undo');
    const cluster = flags.cluster ?? defaultCluster;
    const service = await client.mustGet('Service', { cluster, name });
    const family = parseTaskDefinitionRef(service.status?.taskDefinition ?? service.spec.taskDefinition)?.family;
    const { items } = await listAll(client, 'TaskDefinition', { cluster });
    const target = undoTarget(
      service,
      items.filter((td) => td.spec.family === family),
      flags.toRevision,
    );
    if (service.spec.taskDefinition === target) {
      io.stdout.write(`service/${name} skipped rollback (spec.taskDefinition is already ${target})\n`);
      return 0;
    }
    // Read-modify-write of the one field; refused if someone else changed it meanwhile (status
    // writes by the controller do not count: they are frequent during a rollout and harmless).
    await client.mutate('Service', { cluster, name }, (s) => {
      if (s.spec.taskDefinition !== service.spec.taskDefinition)
        throw new UndoConflictError(
          `spec.taskDefinition of service ${name} changed to ${s.spec.taskDefinition} while undo looked at it; run the command again`,
        );
      s.spec.taskDefinition = target;
    });
    io.stdout.write(
      `service/${name} rolled back to ${target} (was ${service.status?.resolvedTaskDefinition ?? service.status?.taskDefinition ?? service.spec.taskDefinition})\n`,
    );
    return 0;
  });
}
