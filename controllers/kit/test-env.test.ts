/** startTestEnv: the clock it is given is the store's clock too. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { startTestEnv } from './test-env.js';

describe('startTestEnv', () => {
  it('stamps objects with the time of the clock it is given, and hands that clock on', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T03:00:00Z'));
    const env = await startTestEnv({ clock });
    try {
      expect(env.clock).toBe(clock);
      const cluster = await env.client.mustGet('Cluster', { name: 'default' });
      expect(cluster.metadata.creationTimestamp).toBe('2026-01-01T03:00:00.000Z');
    } finally {
      await env.stop();
    }
  });
});
