/** `berth task protect`: writes each task's spec.protection as UpdateTaskProtection would. */
import { taskProtection } from '../../../api/v1/task-protection.js';
import { formatError } from '../../output/errors.js';
import { UsageError } from './apply.js';
import type { TaskProtectFlags } from '../task.js';
import { withSession } from './run.js';

export default function runTaskProtect(flags: TaskProtectFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    if (flags.disable && flags.minutes !== undefined) throw new UsageError('give either --minutes N or --disable, not both');
    const protection = taskProtection(!flags.disable, flags.minutes, Date.now());
    let code = 0;
    for (const task of flags.tasks) {
      try {
        await client.mutate('Task', { cluster: flags.cluster ?? cluster, name: task }, (t) => {
          t.spec.protection = protection;
        });
        io.stdout.write(
          protection.protectionEnabled ? `task/${task} protected until ${protection.expirationDate ?? '(no expiry)'}\n` : `task/${task} unprotected\n`,
        );
      } catch (err) {
        io.stderr.write(`${formatError(err)}\n`);
        code = 1;
      }
    }
    return code;
  });
}
