#!/usr/bin/env node
/**
 * Runs the nightly scaler out of process against a berth server, finding the server and token the
 * way the CLI does (flags are not needed on the machine where `berth up` runs; elsewhere set
 * BERTH_SERVER and BERTH_TOKEN). Stop it with Ctrl-C.
 *
 *   node dist/controllers/examples/nightly-scaler/main.js
 */
import { readFileSync } from 'node:fs';
import { HttpClient } from '../../../api/client/http-client.js';
import { rootLogger } from '../../../api/log.js';
import { resolveConnection } from '../../../cli/config.js';
import { Manager } from '../../kit/manager.js';
import { nightlyScaler } from './controller.js';

const connection = resolveConnection({});
const client = new HttpClient({
  server: connection.server,
  token: connection.token,
  ca: connection.caFile ? readFileSync(connection.caFile) : undefined,
});
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
rootLogger.info({ server: connection.server }, 'nightly-scaler running');
await new Manager({ client }).add(nightlyScaler).run(stop.signal);
