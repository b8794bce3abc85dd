/** Which -f files are compose files: apply loads the compose converter (and its schema) only for those. */
import { basename } from 'node:path';
import { parseManifestText } from '../../api/usecases/manifests/parse.js';

const COMPOSE_FILE_NAMES = /^(docker-)?compose\.ya?ml$/i;
/** A `services` key in YAML or JSON; a file without one is not parsed here at all. */
const SERVICES_KEY = /\bservices["']?\s*:/;

/** A file is taken as compose by its name, or by a top level holding `services:` and no `kind:`. */
export function looksLikeCompose(file: string, text: string): boolean {
  if (COMPOSE_FILE_NAMES.test(basename(file))) return true;
  if (!SERVICES_KEY.test(text)) return false;
  const [first] = parseManifestText(text, file);
  const value: unknown = first?.value;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'services' in value && !('kind' in value) && !('apiVersion' in value);
}
