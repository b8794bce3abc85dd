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

/** `client`: what the controller writes through (default: the env's own). */
export async function startServiceEnv(settings: Partial<ServiceControllerSettings>, client?: (env: TestEnv) => BerthClient): Promise<ServiceEnv> {
  const env = await startTestEnv();
  const aborter = new AbortController();
  const manager = new Manager({ client: client ? client(env) : env.client }).add(serviceController({ settings }));
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
