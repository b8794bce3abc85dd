/** `-o yaml|json|name` and tables: how `berth get` prints objects. */
import { stringify } from 'yaml';
import type { KindName } from '../../api/keys.js';
import { API_VERSION, type BerthObject } from '../../api/v1/index.js';
import { headersFor, rowForObject, type TableOptions } from './columns.js';
import { parseCustomColumns, renderCustomColumns, type CustomColumn } from './custom-columns.js';
import { parseTemplate, renderTemplate } from './jsonpath.js';
import { kindLabel } from './kinds.js';
import { renderTable } from './table.js';

export const OUTPUT_FORMATS = ['wide', 'yaml', 'json', 'name'] as const;
/** Formats that carry an argument: `jsonpath=TEMPLATE`, `custom-columns=SPEC`. */
export type TemplateFormat = { jsonpath: ReturnType<typeof parseTemplate> } | { customColumns: CustomColumn[] };
export type OutputFormat = (typeof OUTPUT_FORMATS)[number] | 'table' | TemplateFormat;

export class OutputFormatError extends Error {
  override readonly name = 'OutputFormat';
  readonly retriable = false;
  constructor(format: string) {
    super(
      `unable to match a printer suitable for the output format "${format}"; allowed formats are: ${OUTPUT_FORMATS.join(', ')}, ecs, jsonpath=TEMPLATE, custom-columns=SPEC`,
    );
  }
}

export function parseOutputFormat(text: string | undefined): OutputFormat {
  if (text === undefined) return 'table';
  if (text.startsWith('jsonpath=')) return { jsonpath: parseTemplate(text.slice('jsonpath='.length)) };
  if (text.startsWith('custom-columns=')) return { customColumns: parseCustomColumns(text.slice('custom-columns='.length)) };
  const known = OUTPUT_FORMATS.find((f) => f === text);
  if (!known) throw new OutputFormatError(text);
  return known;
}

/**
 * The text for `objects`. `single` (one object asked for by name) prints the object itself in
 * yaml/json; otherwise a `List`, as kubectl does.
 */
export function formatObjects(kind: KindName, objects: BerthObject[], format: OutputFormat, options: TableOptions & { single?: boolean } = {}): string {
  if (typeof format === 'object') {
    if ('customColumns' in format) return renderCustomColumns(format.customColumns, objects);
    const text = renderTemplate(format.jsonpath, options.single && objects[0] ? objects[0] : asList(objects));
    return text;
  }
  switch (format) {
    case 'name':
      return objects.map((o) => `${kindLabel(o.kind)}/${o.metadata.name}\n`).join('');
    case 'json':
      return `${JSON.stringify(options.single && objects[0] ? objects[0] : asList(objects), null, 2)}\n`;
    case 'yaml':
      return stringify(options.single && objects[0] ? objects[0] : asList(objects));
    case 'wide':
    case 'table': {
      const tableOptions = { ...options, wide: format === 'wide' };
      const lines = renderTable(
        headersFor(kind, tableOptions),
        objects.map((o) => rowForObject(o, tableOptions)),
      );
      return `${lines.join('\n')}\n`;
    }
  }
}

export function asList(objects: BerthObject[]) {
  return { apiVersion: API_VERSION, kind: 'List', items: objects };
}
