/**
 * kubectl's `-o custom-columns=NAME:.path,OTHER:.other.path`: one column per spec, each cell the
 * path's matches in that object (comma-separated), `<none>` when nothing matches.
 */
import { JsonPathTemplateError, evaluate, parseTemplate, renderValue } from './jsonpath.js';
import { renderTable } from './table.js';

export interface CustomColumn {
  header: string;
  path: string;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  const columns = spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    const header = part.slice(0, colon).trim();
    const expr = part.slice(colon + 1).trim();
    if (colon < 0 || header === '' || expr === '')
      throw new JsonPathTemplateError(
        `custom-columns "${spec}": "${part}" is not HEADER:PATH; write e.g. custom-columns=NAME:.metadata.name,DESIRED:.spec.desiredCount`,
      );
    // kubectl accepts `.a.b` and `{.a.b}` alike.
    const pieces = parseTemplate(expr.startsWith('{') && expr.endsWith('}') ? expr.slice(1, -1) : expr);
    const only = pieces[0];
    if (pieces.length !== 1 || !only || !('path' in only))
      throw new JsonPathTemplateError(`custom-columns "${spec}": column ${header} needs one path, e.g. .metadata.name`);
    return { header, path: only.path };
  });
  return columns;
}

export function renderCustomColumns(columns: CustomColumn[], objects: readonly unknown[]): string {
  const rows = objects.map((o) =>
    columns.map((c) => {
      const found = evaluate(c.path, o);
      return found.length === 0 ? '<none>' : found.map(renderValue).join(',');
    }),
  );
  return `${renderTable(
    columns.map((c) => c.header),
    rows,
  ).join('\n')}\n`;
}
