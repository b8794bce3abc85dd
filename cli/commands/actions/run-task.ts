/**
 * `berth run-task`: api/tasks' runTask (scheduler places) or startTask (--instance), one line per
 * task. As ECS's RunTask, tasks no instance can take now are not created but reported (stderr, exit 1).
 */
import { runTask, startTask } from '../../../api/tasks/index.js';
import { placementCheck } from '../../../controllers/scheduler/feasibility.js';
import type { RunTaskFlags } from '../run-task.js';
import { withSession } from './run.js';

export default function runRunTask(flags: RunTaskFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const common = {
      cluster: flags.cluster ?? cluster,
      taskDefinition: flags.taskDefinition,
      ...(flags.group ? { group: flags.group } : {}),
      ...(flags.startedBy ? { startedBy: flags.startedBy } : {}),
    };
    const result = flags.instance ? await startTask(client, { ...common, containerInstances: flags.instance }) : await runTask(client, { ...common, count: flags.count }, { placement: placementCheck(client) });
    for (const t of result.tasks) io.stdout.write(`task/${t.metadata.name} created (${t.spec.taskDefinition})\n`);
    for (const f of result.failures) io.stderr.write(`error: ${f.containerInstance ? `on ${f.containerInstance}: ` : ''}${f.reason}\n`);
    return result.failures.length > 0 ? 1 : 0;
  });
}
