/**
 * Writes the JSON Schemas of every kind to manifests/schemas/ (or the directory given as the first
 * argument), for editors: point yaml-language-server at manifests/schemas/all-kinds.json.
 *   npm run build && npm run schemas
 * A test fails when the committed files differ from what this would write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderJsonSchemas } from '../api/v1/json-schema.js';

const outDir = resolve(process.argv[2] ?? join(process.cwd(), 'manifests', 'schemas'));
mkdirSync(outDir, { recursive: true });
for (const [file, content] of renderJsonSchemas()) {
  writeFileSync(join(outDir, file), content);
  process.stdout.write(`wrote ${join(outDir, file)}\n`);
}
