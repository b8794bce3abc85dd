#!/usr/bin/env node
/**
 * Runs the nightly scaler out of process against a berth server, finding the server and token the
 * way the CLI does (flags are not needed on the machine where `berth up` runs; elsewhere set
 * BERTH_SERVER and BERTH_TOKEN). Stop it with Ctrl-C.
 *
 *   node dist/controllers/examples/nightly-scaler/main.js
 */
import { connect, Manager, rootLogger } from '../../kit/index.js';
import { nightlyScaler } from './controller.js';

const { client, server } = connect();
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
rootLogger.info({ server }, 'nightly-scaler running');
await new Manager({ client }).add(nightlyScaler).run(stop.signal);
