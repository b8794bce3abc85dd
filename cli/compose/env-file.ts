/**
 * A service's `env_file`: a path, a list of paths, or (compose spec since 2.24) a list of
 * `{ path, required, format }` where `required: false` lets the file be missing. Normalised here so
 * the loader (which reads the files) and the mapping (which uses them) agree.
 */
import { z } from 'zod';

const Entry = z.union([
  z.string(),
  z.object({ path: z.string(), required: z.boolean().default(true), format: z.string().optional() }).transform((e) => ({ path: e.path, required: e.required })),
]);
const EnvFile = z.union([z.string(), z.array(Entry)]).optional();

export interface EnvFileEntry {
  path: string;
  required: boolean;
}

/** The value has passed the compose schema already, which allows only these shapes. */
export function envFileEntries(value: unknown): EnvFileEntry[] {
  const parsed = EnvFile.parse(value);
  if (parsed === undefined) return [];
  return (typeof parsed === 'string' ? [parsed] : parsed).map((e) => (typeof e === 'string' ? { path: e, required: true } : e));
}

/** The schema of the long form, for the compose JSON Schema (which predates it). */
export const ENV_FILE_JSON_SCHEMA = {
  oneOf: [
    { type: 'string' },
    {
      type: 'array',
      items: {
        oneOf: [
          { type: 'string' },
          {
            type: 'object',
            required: ['path'],
            properties: { path: { type: 'string' }, required: { type: 'boolean' }, format: { type: 'string' } },
            additionalProperties: false,
          },
        ],
      },
    },
  ],
};
