/**
 * JSON Schemas for editors (yaml-language-server, VS Code), generated from the zod schemas so they
 * can never disagree with validation. They describe the *input*: fields with defaults are optional.
 * Cross-field rules (unique names, port clashes…) cannot be said in JSON Schema; `berth validate`
 * checks those.
 */
import { z } from 'zod';
import type { KindName } from '../keys.js';
import { kindSchemas } from './index.js';
import { API_VERSION } from './meta.js';

export const SCHEMA_BASE_URL = 'https://berth.dev/schemas/v1/';
export const ALL_KINDS_SCHEMA_FILE = 'all-kinds.json';

/** `ContainerInstance` → `container-instance.json`. */
export function schemaFileName(kind: KindName): string {
  return `${kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.json`;
}

function render(schema: z.ZodType, file: string, title: string, description: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  const document = { ...json, $id: `${SCHEMA_BASE_URL}${file}`, title, description };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** File name → file content, for every kind and for all kinds at once. */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  const kinds = Object.keys(kindSchemas) as KindName[];
  for (const kind of kinds) {
    const file = schemaFileName(kind);
    files.set(file, render(kindSchemas[kind], file, `berth ${kind}`, `A ${API_VERSION} ${kind} manifest.`));
  }
  const [first, second, ...rest] = kinds.map((k) => kindSchemas[k]);
  if (first && second)
    files.set(
      ALL_KINDS_SCHEMA_FILE,
      render(z.union([first, second, ...rest]), ALL_KINDS_SCHEMA_FILE, 'berth manifest', `Any ${API_VERSION} manifest; \`kind\` says which.`),
    );
  return files;
}
