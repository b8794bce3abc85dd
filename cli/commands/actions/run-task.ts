/**
 * `berth run-task`: api/usecases/tasks' runTask (scheduler places) or startTask (--instance), one line per
 * task. As ECS's RunTask, tasks no instance can take now are not created but reported (stderr, exit 1).
 * With --wait it then follows the tasks until they stop (cli/wait/watch-until.ts).
 */
import { readFile } from 'node:fs/promises';
import type { BerthClient, ObjectOf } from '../../../api/client/types.js';
import { runTask, startTask } from '../../../api/usecases/tasks/index.js';
import { lookUpTaskDefinition } from '../../../api/usecases/tasks/resolve-definition.js';
import { placementCheck } from '../../../controllers/scheduler/feasibility.js';
import { parseDuration } from '../../duration.js';
import { buildOverrides } from '../../run-task/overrides.js';
import { taskOutcome } from '../../run-task/outcome.js';
import { watchUntil } from '../../wait/watch-until.js';
import type { RunTaskFlags } from '../run-task.js';
import { withSession, type Io } from './run.js';

export default function runRunTask(flags: RunTaskFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: sessionCluster }, io) => {
    const cluster = flags.cluster ?? sessionCluster;
    const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
    const definition = await lookUpTaskDefinition(client, cluster, flags.taskDefinition);
    const overrides = buildOverrides({
      file: flags.overrides === undefined ? undefined : await readOverrides(flags.overrides),
      env: flags.env ?? [],
      container: flags.container,
      containerNames: definition.spec.containerDefinitions.map((c) => c.name),
    });
    const common = {
      cluster,
      // The revision resolved above, so --wait judges the tasks against the definition they run.
      taskDefinition: definition.metadata.name,
      ...(flags.group ? { group: flags.group } : {}),
      ...(flags.startedBy ? { startedBy: flags.startedBy } : {}),
      ...(overrides ? { overrides } : {}),
    };
    const result = flags.instance
      ? await startTask(client, { ...common, containerInstances: flags.instance })
      : await runTask(client, { ...common, count: flags.count }, { placement: placementCheck(client) });
    for (const t of result.tasks) io.stdout.write(`task/${t.metadata.name} created (${t.spec.taskDefinition})\n`);
    for (const f of result.failures) io.stderr.write(`error: ${f.containerInstance ? `on ${f.containerInstance}: ` : ''}${f.reason}\n`);
    const placed = result.failures.length > 0 ? 1 : 0;
    if (!flags.wait || result.tasks.length === 0) return placed;
    return Math.max(placed, await waitStopped(client, cluster, result.tasks, definition, timeoutMs, io));
  });
}

async function readOverrides(path: string): Promise<{ name: string; text: string }> {
  const name = path.startsWith('file://') ? path.slice('file://'.length) : path;
  return { name, text: await readFile(name, 'utf8') };
}

async function waitStopped(
  client: BerthClient,
  cluster: string,
  tasks: ObjectOf<'Task'>[],
  definition: ObjectOf<'TaskDefinition'>,
  timeoutMs: number | undefined,
  io: Io,
): Promise<number> {
  const names = tasks.map((t) => t.metadata.name);
  const printed = new Set<string>();
  let exitCode = 0;
  const report = (seen: Map<string, ObjectOf<'Task'>>) => {
    for (const name of names) {
      const task = seen.get(name);
      if (printed.has(name) || (task && task.status?.lastStatus !== 'STOPPED')) continue;
      printed.add(name);
      const outcome = task ? taskOutcome(task, definition) : { line: `task/${name} was deleted before it stopped`, exitCode: 1 };
      io.stdout.write(`${outcome.line}\n`);
      if (exitCode === 0) exitCode = outcome.exitCode;
    }
    return printed.size === names.length;
  };
  const { met, seen } = await watchUntil(client, { kind: 'Task', cluster, names }, report, timeoutMs);
  if (met) return exitCode;
  const waiting = names.filter((n) => !printed.has(n)).map((n) => `task/${n} ${seen.get(n)?.status?.lastStatus ?? 'gone'}`);
  io.stderr.write(`error: stopped waiting before ${waiting.length} of ${names.length} tasks stopped (${waiting.join(', ')})\n`);
  return 1;
}
