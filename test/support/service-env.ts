/** A store with the service controller running on it (through the kit's Manager), for tests that play scheduler and agent. */
import type { BerthClient } from '../../api/client/types.js';
import { addSharedIndexes } from '../../controllers/conventions.js';
import { Manager } from '../../controllers/kit/manager.js';
import { startTestEnv, type TestEnv } from '../../controllers/kit/test-env.js';
import { serviceController } from '../../controllers/service/index.js';
import type { ServiceControllerSettings } from '../../controllers/service/settings.js';

export interface ServiceEnv {
  env: TestEnv;
  /** Stops the controller and the store. */
  stop(): Promise<void>;
  /** Aborted by stop(): for the test's own loops (a fake agent, say). */
  signal: AbortSignal;
}

/**
 * The controller on `env` (default: a new one), writing through `client` (default: the env's own;
 * a test's own client over env.resources, to inject failures).
 */
export async function startServiceEnv(
  settings: Partial<ServiceControllerSettings>,
  options: { env?: TestEnv; client?: BerthClient } = {},
): Promise<ServiceEnv> {
  const env = options.env ?? (await startTestEnv());
  const aborter = new AbortController();
  const manager = new Manager({ client: options.client ?? env.client }).add(serviceController({ settings }));
  addSharedIndexes(manager);
  void manager.run(aborter.signal);
  return {
    env,
    signal: aborter.signal,
    async stop() {
      aborter.abort();
      await new Promise((r) => setTimeout(r, 50));
      await env.stop();
    },
  };
}
