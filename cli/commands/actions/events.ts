/**
 * `berth events`: every service's status.events flattened, oldest first; with --watch, events not
 * seen before are printed as services change (a service keeps its newest 100, so ids identify them).
 */
import type { ObjectOf } from '../../../api/client/types.js';
import { age } from '../../output/age.js';
import { renderTable } from '../../output/table.js';
import type { EventsFlags } from '../events.js';
import { listAll } from './objects.js';
import { withSession } from './run.js';

interface Row {
  cluster: string;
  service: string;
  createdAt: string;
  message: string;
}

export function eventRows(services: ObjectOf<'Service'>[], seen: Set<string>): Row[] {
  const rows: Row[] = [];
  for (const s of services)
    // Kept newest first; reversed so that the stable sort keeps events of the same instant in order.
    for (const e of [...(s.status?.events ?? [])].reverse()) {
      const key = `${s.metadata.cluster}/${s.metadata.name}/${e.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ cluster: s.metadata.cluster, service: s.metadata.name, createdAt: e.createdAt, message: e.message });
    }
  return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export default function runEvents(flags: EventsFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const cluster = flags.allClusters ? undefined : (flags.cluster ?? defaultCluster);
    const headers = [...(flags.allClusters ? ['CLUSTER'] : []), 'LAST SEEN', 'SERVICE', 'MESSAGE'];
    const cells = (r: Row, now: Date) => [...(flags.allClusters ? [r.cluster] : []), age(r.createdAt, now), r.service, r.message];
    const mine = (s: ObjectOf<'Service'>) => flags.service === undefined || s.metadata.name === flags.service;
    const seen = new Set<string>();
    const listed = await listAll(client, 'Service', { cluster });
    const rows = eventRows(listed.items.filter(mine), seen);
    const now = new Date();
    if (rows.length > 0)
      io.stdout.write(
        `${renderTable(
          headers,
          rows.map((r) => cells(r, now)),
        ).join('\n')}\n`,
      );
    else if (!flags.watch) io.stderr.write(cluster === undefined ? 'No events found.\n' : `No events found in ${cluster} cluster.\n`);
    if (!flags.watch) return 0;
    if (rows.length === 0) io.stdout.write(`${renderTable(headers, []).join('\n')}\n`);
    const watch = client.watch('Service', { cluster, fromRevision: Number(listed.resourceVersion) + 1 });
    const stop = () => void watch.cancel();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const widths = [headers, ...rows.map((r) => cells(r, now))];
    for await (const batch of watch) {
      const changed = batch.map((e) => e.object).filter((s): s is ObjectOf<'Service'> => s !== undefined && mine(s));
      const fresh = eventRows(changed, seen);
      if (fresh.length > 0)
        io.stdout.write(
          `${renderTable(
            undefined,
            fresh.map((r) => cells(r, new Date())),
            widths,
          ).join('\n')}\n`,
        );
    }
    return 0;
  });
}
