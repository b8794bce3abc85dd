/**
 * The root pino logger. Library code takes a logger (usually a child of this one) rather than
 * printing; level comes from BERTH_LOG_LEVEL (default `info`, `silent` in tests unless set).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const defaultLevel = process.env.VITEST ? 'silent' : 'info';

/**
 * Fields that hold secret values wherever they appear in a log object: berth's own code never logs
 * them (values go from the API to the agent to Docker's create call only); this is the net under
 * that rule, for an object logged whole by mistake (a container spec's Env, a pull's authconfig, a
 * Secret manifest).
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'authconfig',
  '*.authconfig',
  'registryAuth',
  '*.registryAuth',
  'Env',
  '*.Env',
  '*.*.Env',
  'LogConfig.Config',
  '*.LogConfig.Config',
  '*.*.LogConfig.Config',
  'stringData',
  '*.stringData',
  '*.*.stringData',
  'sealed',
  '*.sealed',
  '*.*.sealed',
  'containers.*.environment',
  'containers.*.logOptions',
  '*.containers.*.environment',
  '*.containers.*.logOptions',
  '*.containers.*.environmentFiles',
];

export const rootLogger: Logger = pino({
  name: 'berth',
  level: process.env.BERTH_LOG_LEVEL ?? defaultLevel,
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
});
