/**
 * Where a container's output goes. A task definition written for ECS names a log driver that sends
 * to a hosted service (`awslogs` to CloudWatch, `splunk`, firelens's router), for which an instance
 * has neither the endpoint nor the credentials: Docker would refuse to start the container, or
 * start it and drop its output. Such containers log to the instance's local driver instead, which
 * `docker logs` and so `berth logs` read, and the configuration they asked for is kept in a label
 * (berth.log-configuration), where `docker inspect` shows it.
 */
import type { HostConfig } from 'dockerode';
import type { LogConfiguration } from '../../../api/v1/container-parts.js';
import { LOCALLY_RUN_LOG_DRIVERS } from '../../../api/v1/unapplied-fields.js';
import { DOCKER_LABELS } from './names.js';

/** Drivers that need a hosted service's endpoint and credentials (one table, which validate warns from); `awsfirelens` is not even Docker's. */
const HOSTED_LOG_DRIVERS: readonly string[] = Object.keys(LOCALLY_RUN_LOG_DRIVERS);
/** What such containers log to unless the agent is told otherwise: Docker's default, read by `docker logs`. */
export const DEFAULT_LOCAL_LOG_DRIVER = 'json-file';
/** Built into Docker, and not among the plugins it lists. */
const ALWAYS_AVAILABLE = ['none'];

export interface LogDriverChoice {
  /** The instance's local driver (`json-file` or `local`). */
  local: string;
  /** The drivers the engine has (EngineInfo.logDrivers); absent: assume it has every non-hosted one. */
  available?: readonly string[];
}

/** Whether a container asking for `driver` runs on the local driver instead. */
export function substitutesLogDriver(driver: string, choice: LogDriverChoice): boolean {
  if (HOSTED_LOG_DRIVERS.includes(driver)) return true;
  return choice.available !== undefined && !choice.available.includes(driver) && !ALWAYS_AVAILABLE.includes(driver);
}

export function logOptions(
  config: LogConfiguration | undefined,
  choice: LogDriverChoice | undefined,
): { hostConfig: Pick<HostConfig, 'LogConfig'>; labels: Record<string, string> } {
  if (!config) return { hostConfig: {}, labels: {} };
  const wanted = { Type: config.logDriver, Config: { ...config.options } };
  if (!substitutesLogDriver(config.logDriver, choice ?? { local: DEFAULT_LOCAL_LOG_DRIVER })) return { hostConfig: { LogConfig: wanted }, labels: {} };
  // secretOptions name secrets (their values never reach a label); the options are plain settings.
  const kept = JSON.stringify({ logDriver: config.logDriver, options: config.options ?? {} });
  return { hostConfig: { LogConfig: { Type: choice?.local ?? DEFAULT_LOCAL_LOG_DRIVER, Config: {} } }, labels: { [DOCKER_LABELS.logConfiguration]: kept } };
}
