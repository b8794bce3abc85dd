/** berth's own version, from the package.json shipped beside dist/ (read once, on first use). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    // Run from source (api/) the package root is one level up; built (dist/api/) it is two.
    cached = '0.0.0-dev';
    for (const rel of ['../package.json', '../../package.json']) {
      try {
        const parsed = z.object({ name: z.literal('berth'), version: z.string() }).safeParse(JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')));
        if (parsed.success) {
          cached = parsed.data.version;
          break;
        }
      } catch {
        // not at this level: try the next
      }
    }
  }
  return cached;
}
