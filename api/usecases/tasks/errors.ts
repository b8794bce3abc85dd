/**
 * The one error run-task, start-task and stop-task throw for a request that cannot succeed as
 * given. `field` names the input field at fault; `ecsCode` is the exception ECS's API returns for
 * the same mistake, so the ECS-compatible endpoint can answer like ECS.
 */
export type EcsErrorCode = 'InvalidParameterException' | 'ClientException';

export class TaskRequestError extends Error {
  override readonly name = 'InvalidTaskRequest';
  readonly retriable = false;

  constructor(
    readonly field: string,
    message: string,
    readonly ecsCode: EcsErrorCode = 'InvalidParameterException',
  ) {
    super(`${field}: ${message}`);
  }
}
