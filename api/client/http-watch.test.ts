import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rootLogger } from '../log.js';
import { httpWatch } from './http-watch.js';
import { Transport } from './transport.js';

const svc = (name: string, revision: number) =>
  JSON.stringify({
    type: 'ADDED',
    object: {
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name, cluster: 'default', resourceVersion: String(revision) },
      spec: { taskDefinition: 'web', desiredCount: 1 },
    },
  });

/**
 * A stand-in API that breaks the first watch connection in the middle of a revision: one
 * transaction wrote a, b and c at revision 10, and the connection ends after a and b.
 */
function midRevisionBreakingServer() {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(new URL(req.url ?? '/', 'http://x').searchParams.get('resourceVersion') ?? '');
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    if (asked.length === 1) {
      res.write(`${svc('a', 10)}\n${svc('b', 10)}\n`, () => setTimeout(() => res.destroy(), 50));
      return;
    }
    res.write(`${svc('a', 10)}\n${svc('b', 10)}\n${svc('c', 10)}\n${svc('d', 11)}\n`);
  });
  return { server, asked };
}

describe('httpWatch resume', () => {
  let close: () => void = () => undefined;
  afterEach(() => close());

  it('resumes after the last complete revision when a connection breaks inside one, delivering each event once', async () => {
    const { server, asked } = midRevisionBreakingServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    const transport = new Transport({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const watch = httpWatch(
      transport,
      'Service',
      { cluster: 'default', fromRevision: 10 },
      { log: rootLogger.child({ test: 'http-watch' }), retry: { initialDelayMs: 10, maxDelayMs: 10 } },
    );
    const seen: string[] = [];
    for await (const batch of watch) {
      seen.push(...batch.map((e) => `${e.ref.name}@${e.resourceVersion}`));
      if (seen.length >= 4) break;
    }
    await watch.cancel();
    expect(seen).toEqual(['a@10', 'b@10', 'c@10', 'd@11']);
    // Asked from 9 (fromRevision 10 is inclusive), and again from 9: revision 10 was not complete.
    expect(asked.slice(0, 2)).toEqual(['9', '9']);
  });
});
