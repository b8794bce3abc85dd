/** `berth stop-task`: api/usecases/tasks' stopTask for each task named. */
import { stopTask } from '../../../api/usecases/tasks/index.js';
import { formatError } from '../../output/errors.js';
import type { StopTaskFlags } from '../stop-task.js';
import { withSession } from './run.js';

export default function runStopTask(flags: StopTaskFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    let code = 0;
    for (const task of flags.tasks) {
      try {
        await stopTask(client, { cluster: flags.cluster ?? cluster, task, ...(flags.reason ? { reason: flags.reason } : {}) });
        io.stdout.write(`task/${task} stopping\n`);
      } catch (err) {
        io.stderr.write(`${formatError(err)}\n`);
        code = 1;
      }
    }
    return code;
  });
}
