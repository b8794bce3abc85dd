/** `berth get`: list or fetch, print in the chosen format, then (--watch) print every change. */
import type { KindName } from '../../../api/keys.js';
import type { BerthObject } from '../../../api/v1/index.js';
import type { BerthClient, InstallationSource } from '../../../api/client/types.js';
import { paletteFor } from '../../output/colour.js';
import { headersFor, rowForObject } from '../../output/columns.js';
import { formatError } from '../../output/errors.js';
import { resolveKind, splitKindName } from '../../output/kinds.js';
import { ecsContext, formatEcs, regionFromEnv } from '../../output/ecs/index.js';
import { formatObjects, parseOutputFormat, type OutputFormat } from '../../output/print.js';
import { renderTable } from '../../output/table.js';
import type { GetFlags } from '../get.js';
import { parseFieldSelector } from '../../get/field-selector.js';
import { printPages } from '../../get/print-pages.js';
import { sortBy } from '../../get/sort-by.js';
import { getNamed, listAll, listPages } from './objects.js';
import { taskStatusFilter } from './task-status.js';
import { processIo, withSession, type Io } from './run.js';

export default function runGet(flags: GetFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const ecs = flags.output === 'ecs';
    const format = ecs ? 'json' : parseOutputFormat(flags.output);
    const { kind, names } = target(flags);
    const cluster = flags.allClusters ? undefined : (flags.cluster ?? defaultCluster);
    const fields = flags.fieldSelector === undefined ? undefined : parseFieldSelector(kind, flags.fieldSelector);
    // A selector on lastStatus says which tasks to show; the default live-only filter would hide STOPPED ones.
    const shown = taskStatusFilter(kind, flags.status ?? (kind === 'Task' && fields?.names('lastStatus') ? 'all' : undefined));
    const selected = (o: BerthObject) => fields?.matches(o) ?? true;
    const palette = paletteFor(io.stdout);
    const tableOptions = { withCluster: flags.allClusters, palette };
    let code = 0;
    let objects: BerthObject[];
    let resourceVersion: string | undefined;
    if (names.length > 0) {
      const { found, missing } = await getNamed(client, kind, cluster ?? defaultCluster, names);
      for (const err of missing) io.stderr.write(`${formatError(err)}\n`);
      if (missing.length > 0) code = 1;
      objects = found.filter(selected);
    } else if (flags.sortBy === undefined && streams(format)) {
      const pages = listPages(client, kind, { cluster, selector: flags.selector });
      const streamed = await printPages(pages, kind, { keep: (o) => shown(o) && selected(o), format, tableOptions }, io.stdout);
      if (streamed.count === 0) io.stderr.write(`${noResources(kind, cluster)}\n`);
      if (streamed.count === 0 && flags.watch && isTable(format)) io.stdout.write(formatObjects(kind, [], format, tableOptions));
      if (!flags.watch) return code;
      await watchAndPrint(
        client,
        kind,
        { cluster, selector: flags.selector, names, format, fromRevision: Number(streamed.resourceVersion) + 1, widthsFrom: streamed.first, tableOptions },
        io,
      );
      return code;
    } else {
      const listed = await listAll(client, kind, { cluster, selector: flags.selector });
      objects = listed.items.filter((o) => shown(o) && selected(o));
      resourceVersion = listed.resourceVersion;
    }
    if (flags.sortBy !== undefined) objects = sortBy(objects, flags.sortBy);
    const single = names.length === 1 && objects.length === 1 && !(kind === 'TaskDefinition' && !names[0]?.includes(':'));
    if (ecs) {
      io.stdout.write(formatEcs(kind, objects, await ecsContextFor(client, kind, objects), single));
      return code;
    }
    if (objects.length > 0 || (flags.watch && isTable(format))) io.stdout.write(formatObjects(kind, objects, format, { ...tableOptions, single }));
    if (objects.length === 0 && names.length === 0) io.stderr.write(`${noResources(kind, cluster)}\n`);
    if (!flags.watch) return code;
    await watchAndPrint(
      client,
      kind,
      {
        cluster,
        selector: flags.selector,
        names,
        format,
        fromRevision: Number(resourceVersion ?? (await listAll(client, kind, { cluster })).resourceVersion) + 1,
        widthsFrom: objects,
        tableOptions,
      },
      io,
    );
    return code;
  });
}

/** Tables and names print page by page (cli/get/print-pages.ts); yaml, json and templates need the whole list (one `List`). */
const streams = (format: OutputFormat) => format === 'table' || format === 'wide' || format === 'name';

function target(flags: GetFlags): { kind: KindName; names: string[] } {
  const slashed = splitKindName(flags.kind);
  if (slashed) return { kind: slashed.kind, names: [slashed.name, ...flags.names] };
  return { kind: resolveKind(flags.kind), names: flags.names };
}

/** The installation's account and region, and for tasks the revisions they run (their containers show image, cpu and memory). */
async function ecsContextFor(client: BerthClient & InstallationSource, kind: KindName, objects: BerthObject[]) {
  const refs = kind === 'Task' ? [...new Set(objects.flatMap((o) => (o.kind === 'Task' ? [`${o.metadata.cluster}/${o.spec.taskDefinition}`] : [])))] : [];
  const definitions = await Promise.all(
    refs.map(async (ref) => {
      const [cluster = '', name = ''] = ref.split('/');
      return client.get('TaskDefinition', { cluster, name });
    }),
  );
  return ecsContext(
    await client.installation(),
    regionFromEnv(),
    definitions.filter((d) => d !== undefined),
  );
}

const isTable = (format: OutputFormat) => format === 'table' || format === 'wide';

export function noResources(kind: KindName, cluster: string | undefined): string {
  return kind === 'Cluster' || cluster === undefined ? 'No resources found' : `No resources found in ${cluster} cluster.`;
}

/**
 * Prints each change from `fromRevision` on until interrupted: a table row (aligned to the rows
 * already printed, as kubectl does), a name, or a whole object in yaml/json.
 */
async function watchAndPrint(
  client: BerthClient,
  kind: KindName,
  options: {
    cluster: string | undefined;
    selector: string | undefined;
    names: string[];
    format: OutputFormat;
    fromRevision: number;
    widthsFrom: BerthObject[];
    tableOptions: { withCluster: boolean; palette: ReturnType<typeof paletteFor> };
  },
  io: Io = processIo,
): Promise<void> {
  const watch = client.watch(kind, { cluster: options.cluster, labelSelector: options.selector, fromRevision: options.fromRevision });
  const stop = () => void watch.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const wide = options.format === 'wide';
  const rowOptions = { ...options.tableOptions, wide };
  const widths = [headersFor(kind, rowOptions), ...options.widthsFrom.map((o) => rowForObject(o, rowOptions))];
  const wanted = (o: BerthObject) =>
    options.names.length === 0 || options.names.some((n) => n === o.metadata.name || (o.kind === 'TaskDefinition' && n === o.spec.family));
  try {
    for await (const batch of watch) {
      for (const event of batch) {
        const obj = event.object;
        if (!obj || !wanted(obj)) continue;
        if (isTable(options.format)) io.stdout.write(`${renderTable(undefined, [rowForObject(obj, rowOptions)], widths).join('\n')}\n`);
        // YAML documents after the list are separated as a stream, so the output stays parseable.
        else io.stdout.write((options.format === 'yaml' ? '---\n' : '') + formatObjects(kind, [obj], options.format, { single: true }));
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
