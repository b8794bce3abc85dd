/**
 * kubectl's table layout: upper-case headers, columns left-aligned and separated by three spaces,
 * no borders and no trailing blanks. Widths ignore colour escapes. (cli-table3 draws boxes and pads
 * the last column; this is the whole of what kubectl's printer does, in a few lines.)
 */
import { stripVTControlCharacters } from 'node:util';

const GAP = '   ';

export function renderTable(
  headers: readonly string[] | undefined,
  rows: readonly (readonly string[])[],
  widthsFrom: readonly (readonly string[])[] = [],
): string[] {
  const all = [...(headers ? [headers] : []), ...widthsFrom, ...rows];
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleWidth(cell))))
      .join(GAP)
      .trimEnd();
  return [...(headers ? [line(headers)] : []), ...rows.map(line)];
}

function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}
