/**
 * Turns what dockerode throws (an Error with statusCode and Docker's JSON body, or a socket error)
 * into the runtime's typed errors.
 */
import { DockerErrorShape } from './docker-schemas.js';
import { DockerEngineError, RuntimeError } from './errors.js';

export interface DockerFailure {
  /** The HTTP status Docker answered with; undefined when Docker was not reached at all. */
  status: number | undefined;
  /** Docker's own message when it sent one. */
  message: string;
}

export function dockerFailure(error: unknown): DockerFailure {
  const parsed = DockerErrorShape.safeParse(error);
  if (!parsed.success) return { status: undefined, message: String(error) };
  const e = parsed.data;
  const message = e.json?.message ?? e.message ?? e.code ?? String(error);
  return { status: e.statusCode, message };
}

/**
 * Runs a Docker call; `known` maps the failures it expects (404, 409, 304) to a typed error or to a
 * result (`{ value }`: e.g. "already stopped" is success); anything else is a DockerEngineError.
 */
export async function dockerCall<T>(
  operation: string,
  call: () => Promise<T>,
  known: (failure: DockerFailure) => RuntimeError | { value: T } | undefined = () => undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    const failure = dockerFailure(error);
    const mapped = known(failure);
    if (mapped instanceof RuntimeError) throw mapped;
    if (mapped !== undefined) return mapped.value;
    throw new DockerEngineError(operation, failure);
  }
}
