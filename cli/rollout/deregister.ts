/**
 * `berth deregister taskdefinition web:3 [web:4 …]`: marks revisions INACTIVE, as ECS's
 * DeregisterTaskDefinition does. Nothing stops: tasks running a revision keep it, and a service
 * already on it keeps replacing and scaling with it. What changes: no new service or task can be
 * put on it, and a service that follows the family (`web`) moves to the newest revision still
 * ACTIVE — a rollout like any other. `berth delete` removes revisions outright; this keeps them
 * (and `rollout history`) readable.
 */
import type { BerthClient } from '../../api/client/types.js';
import { parseTaskDefinitionRef } from '../../api/v1/task-definition-ref.js';
import type { DeregisterFlags } from '../commands/deregister.js';
import { UsageError } from '../commands/actions/apply.js';
import { withSession, type Io } from '../commands/actions/run.js';
import { formatError } from '../output/errors.js';
import { resolveKind, splitKindName } from '../output/kinds.js';

export default function runDeregister(flags: DeregisterFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const cluster = flags.cluster ?? defaultCluster;
    const names = revisionNames(flags.args);
    let code = 0;
    for (const name of names) if (!(await deregister(client, cluster, name, io))) code = 1;
    return code;
  });
}

function revisionNames(args: readonly string[]): string[] {
  const [first, ...rest] = args;
  const split = args.map((a) => splitKindName(a));
  const pairs = split.every((p) => p !== undefined)
    ? split
    : first !== undefined && rest.length > 0
      ? rest.map((name) => ({ kind: resolveKind(first), name }))
      : undefined;
  if (!pairs || pairs.length === 0) throw new UsageError('expected `berth deregister taskdefinition FAMILY:REVISION…` (or taskdefinition/FAMILY:REVISION)');
  return pairs.map((p) => {
    if (p.kind !== 'TaskDefinition') throw new UsageError(`only task definitions are deregistered, not ${p.kind}`);
    if (parseTaskDefinitionRef(p.name)?.revision === undefined)
      throw new UsageError(`name a revision to deregister ("${p.name}:3"), not a family; \`berth get taskdefinitions\` lists them`);
    return p.name;
  });
}

async function deregister(client: BerthClient, cluster: string, name: string, io: Io): Promise<boolean> {
  try {
    let already = false;
    const now = new Date().toISOString();
    await client.mutate(
      'TaskDefinition',
      { cluster, name },
      (td) => {
        already = td.status?.status === 'INACTIVE';
        if (!already) td.status = { ...td.status, status: 'INACTIVE', deregisteredAt: now };
      },
      { subresource: 'status' },
    );
    io.stdout.write(`taskdefinition "${name}" ${already ? 'was already INACTIVE' : 'deregistered (INACTIVE)'}\n`);
    return true;
  } catch (err) {
    io.stderr.write(`${formatError(err)}\n`);
    return false;
  }
}
