/** Typed agent errors: `name` is stable, `retriable` says whether the same call may succeed later. */
import { BerthError } from '../../api/errors.js';

export abstract class AgentError extends BerthError {}

/** A task names a task definition revision that does not exist in its cluster. */
export class TaskDefinitionMissingError extends AgentError {
  override readonly name = 'TaskDefinitionMissing';
  readonly retriable = false;
  constructor(cluster: string, ref: string) {
    super(`task definition ${cluster}/${ref} does not exist; register it (berth apply) before running tasks of it`);
  }
}

/** The agent was asked to start twice, or to do something after stop(). */
export class AgentStateError extends AgentError {
  override readonly name = 'AgentState';
  readonly retriable = false;
}

/** A dynamic host port chosen for a container was taken before the container started; new ones are chosen on retry. */
export class HostPortTakenError extends AgentError {
  override readonly name = 'HostPortTaken';
  readonly retriable = true;
  constructor(container: string, ports: number[]) {
    super(`host port ${ports.join(', ')} chosen for container ${container} was taken by something else before it started; choosing others`);
  }
}

/** The agent was configured in a way it cannot run (a bad listen address, logs without a way to check tokens). */
export class AgentConfigError extends AgentError {
  override readonly name = 'AgentConfig';
  readonly retriable = false;
}

/**
 * A task's reconcile went round MAX_ROUNDS plan/apply rounds without settling: something undoes the
 * agent's work (a container that dies on start, another agent of the same instance). Thrown, so the
 * work queue retries the task with its per-task exponential backoff rather than at a fixed pace.
 */
export class TaskNotSettledError extends AgentError {
  override readonly name = 'TaskNotSettled';
  readonly retriable = true;
  constructor(task: string, rounds: number) {
    super(`task ${task} did not settle within ${rounds} plan/apply rounds; trying again with backoff (the agent log says what each round did)`);
  }
}
