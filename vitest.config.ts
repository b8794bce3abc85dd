import { defineConfig } from 'vitest/config';

/**
 * Two tiers, one config. `unit` is every `*.test.ts` beside the code: none needs etcd or Docker
 * (`npm run test:unit`, about a minute). `integration` is test/: real etcd and the real Docker engine
 * (hack/test.sh starts both). `vitest run` with no --project runs both.
 */
const UNIT = ['api/**/*.test.ts', 'controllers/**/*.test.ts', 'cli/**/*.test.ts', 'cmd/**/*.test.ts', 'hack/**/*.test.ts', 'console/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['node_modules', 'dist', 'examples'],
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, testTimeout: 20_000, hookTimeout: 20_000 },
      },
      {
        extends: true,
        // End-to-end tests talk to real etcd and Docker; give them room, but fail rather than hang.
        test: { name: 'integration', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
