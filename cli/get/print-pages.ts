/**
 * `berth get` prints a list page by page as the server sends it, so a large list starts showing at
 * once: a table's columns are as wide as its first page needs (kubectl's chunked lists do the same).
 */
import type { KindName } from '../../api/keys.js';
import type { BerthObject } from '../../api/v1/index.js';
import { headersFor, rowForObject, type TableOptions } from '../output/columns.js';
import { formatObjects, type OutputFormat } from '../output/print.js';
import { renderTable } from '../output/table.js';

export interface PrintedPages {
  count: number;
  /** The list's revision: watch from the next one. */
  resourceVersion: string;
  /** The first page's shown objects: a watch aligns its rows to them. */
  first: BerthObject[];
}

export async function printPages(
  pages: AsyncIterable<{ items: BerthObject[]; resourceVersion: string }>,
  kind: KindName,
  options: { keep: (o: BerthObject) => boolean; format: OutputFormat; tableOptions: TableOptions },
  out: { write(text: string): unknown },
): Promise<PrintedPages> {
  const table = options.format === 'table' || options.format === 'wide';
  const rowOptions = { ...options.tableOptions, wide: options.format === 'wide' };
  let count = 0;
  let resourceVersion = '0';
  let first: BerthObject[] = [];
  let widths: string[][] | undefined;
  for await (const page of pages) {
    resourceVersion = page.resourceVersion;
    const objects = page.items.filter(options.keep);
    if (objects.length === 0) continue;
    count += objects.length;
    if (!table) {
      out.write(formatObjects(kind, objects, options.format));
      continue;
    }
    const rows = objects.map((o) => rowForObject(o, rowOptions));
    if (widths === undefined) {
      first = objects;
      const headers = headersFor(kind, rowOptions);
      widths = [headers, ...rows];
      out.write(`${renderTable(headers, rows).join('\n')}\n`);
    } else out.write(`${renderTable(undefined, rows, widths).join('\n')}\n`);
  }
  return { count, resourceVersion, first };
}
