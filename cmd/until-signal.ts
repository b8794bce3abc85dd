/**
 * Keeps a long-running command alive until SIGINT/SIGTERM, then shuts down gracefully. A second
 * signal during shutdown exits at once (the user means it).
 */
import type { Logger } from '../api/log.js';

export function stopOnSignal(stop: () => Promise<void>, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      stop()
        .catch((err: unknown) => log.error({ err }, 'error during shutdown'))
        .finally(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
