/**
 * What extension authors test with (`import … from 'berth/testing'`): a real throw-away store and
 * client (startTestEnv, like controller-runtime's envtest), a clock the test drives, an in-memory
 * list+watch for informer-level tests, and `eventually` for polling an outcome.
 */
export { startTestEnv, eventually, type TestEnv, type TestEnvOptions } from './test-env.js';
export { FakeClock, flushPromises } from './clock.js';
export { InMemoryListWatch } from './testing.js';
