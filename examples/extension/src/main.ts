#!/usr/bin/env node
/**
 * Runs the example extension against a berth server, out of process: the server and token are
 * found as the CLI finds them (`berth up` wrote them; elsewhere BERTH_SERVER and BERTH_TOKEN). Run
 * as many replicas as you like: they elect one leader on a Lease through the API; only it acts.
 *
 *   npm run build && npm start
 */
import { connect, rootLogger } from 'berth/kit';
import { extensionManager } from './manager.js';

const { client, server } = connect();
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
rootLogger.info({ server }, 'example extension running');
await extensionManager(client).run(stop.signal);
