/**
 * The root pino logger. Library code takes a logger (usually a child of this one) rather than
 * printing; level comes from BERTH_LOG_LEVEL (default `info`, `silent` in tests unless set).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const defaultLevel = process.env.VITEST ? 'silent' : 'info';

export const rootLogger: Logger = pino({
  name: 'berth',
  level: process.env.BERTH_LOG_LEVEL ?? defaultLevel,
});
