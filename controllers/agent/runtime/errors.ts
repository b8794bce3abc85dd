/**
 * Typed container-runtime errors. The agent branches on `name` (stable) or `instanceof`, and on
 * `retriable`: true means the same call may succeed later without anything in the task changing.
 */
import { BerthError } from '../../../api/errors.js';

export abstract class RuntimeError extends BerthError {}

/** The image is not on this engine and could not be pulled (no registry reachable, unknown image, …). */
export class ImageUnavailableError extends RuntimeError {
  override readonly name = 'ImageUnavailable';
  // A registry may come back; a typo will not. The agent caps its retries either way.
  readonly retriable = true;
  constructor(
    readonly image: string,
    readonly reason: string,
  ) {
    super(
      `image "${image}" is not present on this Docker engine and pulling it failed: ${reason}; ` +
        'load it with `docker load` (or build it locally) or make its registry reachable',
    );
  }
}

/** No container (or network) with this id or name exists on the engine. */
export class ContainerNotFoundError extends RuntimeError {
  override readonly name = 'ContainerNotFound';
  readonly retriable = false;
  constructor(
    readonly idOrName: string,
    operation: string,
  ) {
    super(`${operation}: no container "${idOrName}" on this Docker engine; it was removed or never created`);
  }
}

/** exec needs a running container; this one is not (it exited, or has not started yet). */
export class ContainerNotRunningError extends RuntimeError {
  override readonly name = 'ContainerNotRunning';
  readonly retriable = false;
  constructor(readonly idOrName: string) {
    super(`container ${idOrName} is not running, so nothing can be run in it; \`berth describe task\` shows its status`);
  }
}

/**
 * A container with the same deterministic name already exists: an earlier create succeeded but was
 * not recorded (agent crash). The agent adopts `existingId` instead of creating another.
 */
export class ContainerNameConflictError extends RuntimeError {
  override readonly name = 'ContainerNameConflict';
  readonly retriable = false;
  constructor(
    readonly containerName: string,
    readonly existingId: string | undefined,
    /** The existing container's labels: the agent adopts only a container of its own (names.ts belongsTo). */
    readonly existingLabels: Record<string, string> = {},
  ) {
    super(
      `a container named "${containerName}" already exists${existingId ? ` (${existingId.slice(0, 12)})` : ''}; ` +
        'adopt it or remove it before creating the container again',
    );
  }
}

/**
 * A Docker object the agent would make (a task network, a container) exists under the same name but
 * was not made by this agent (another installation's, or made by hand): berth never takes it over.
 */
export class ForeignObjectError extends RuntimeError {
  override readonly name = 'ForeignObject';
  readonly retriable = false;
  constructor(what: 'network' | 'container', objectName: string, installation: string | undefined) {
    super(
      `a ${what} named "${objectName}" already exists on this Docker engine and is not this agent's ` +
        `(${installation === undefined ? 'it has no berth.installation label' : `it belongs to installation ${installation}`}); ` +
        `berth does not take over objects it did not make: remove it if it is left over, or give this instance or cluster another name`,
    );
  }
}

/**
 * The Docker engine could not be reached (`status` undefined), or answered a request with an error of
 * its own (4xx/5xx): then its own words say what was wrong, and advice to check that dockerd runs
 * would only mislead, since it plainly does.
 */
export class DockerEngineError extends RuntimeError {
  override readonly name = 'DockerEngine';
  /** Unreachable, or a server-side failure (5xx): may succeed later. A 4xx will not, asked the same. */
  readonly retriable: boolean;
  readonly status: number | undefined;
  constructor(operation: string, failure: { status: number | undefined; message: string }) {
    super(
      failure.status === undefined
        ? `cannot reach the Docker engine (${operation}): ${failure.message}; check that dockerd is running and DOCKER_HOST points at it`
        : `the Docker engine answered HTTP ${failure.status} to ${operation}: ${failure.message}`,
    );
    this.status = failure.status;
    this.retriable = failure.status === undefined || failure.status >= 500;
  }
}

/** Docker answered with JSON berth does not understand (a newer or older API than expected). */
export class DockerProtocolError extends RuntimeError {
  override readonly name = 'DockerProtocol';
  readonly retriable = false;
  constructor(what: string, issues: string) {
    super(`unexpected ${what} from the Docker engine: ${issues}; is the engine's API version supported (1.41+)?`);
  }
}

/** The task definition cannot be turned into Docker create options (a bug upstream of the agent, or missing input). */
export class ContainerSpecError extends RuntimeError {
  override readonly name = 'ContainerSpec';
  readonly retriable = false;
  constructor(
    readonly container: string,
    readonly field: string,
    problem: string,
  ) {
    super(`container "${container}", ${field}: ${problem}`);
  }
}

/** Every port of the dynamic range is taken or handed out. */
export class HostPortsExhaustedError extends RuntimeError {
  override readonly name = 'HostPortsExhausted';
  readonly retriable = true;
  constructor(range: { min: number; max: number }, protocol: string) {
    super(
      `no free ${protocol} host port in ${range.min}-${range.max}: every port is bound or handed out; ` + 'stop tasks with dynamic ports or widen the range',
    );
  }
}
