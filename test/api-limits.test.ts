/**
 * What one request or one caller may take from a real API server (over the embedded store): a
 * deeply nested body, a body sent too slowly, too many watches, an oversized object. Each is refused
 * with a clear Status naming the limit, and nothing is written.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../api/paths.js';
import { MAX_OBJECT_BYTES } from '../api/usecases/resources/codec.js';
import { MAX_JSON_DEPTH } from '../api/server/limits.js';
import { raw, service, startApi, type RunningApi } from './api-harness.js';
import { keysSnapshot, openTestSqlite, type TestStore } from './support/stores.js';

const WATCH_LIMIT = 3;
const REQUEST_TIMEOUT_MS = 500;
const services = `${API_PREFIX}/clusters/default/services`;

let backend: TestStore;
let api: RunningApi;

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend, { maxWatchesPerPrincipal: WATCH_LIMIT, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  await api.resources.create(service('web'));
});

afterAll(async () => {
  await api?.stop();
  await backend?.dispose();
});

const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('request limits', () => {
  it.each([
    ['PATCH', 'application/merge-patch+json', `${services}/web`, (deep: string) => `{"metadata":{"annotations":{"x":"y"}},"spec":${deep}}`],
    ['POST', 'application/json', services, (deep: string) => JSON.stringify(service('deep')).replace(/}$/, `,"extra":${deep}}`)],
  ])('a %s body nested 5,000 deep is a 400 naming the depth limit, and writes nothing', async (method, contentType, path, body) => {
    const before = await keysSnapshot(backend.store);
    const res = await raw(`${api.url}${path}`, { method, token: api.adminToken, contentType, body: body(nested(5000)) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ reason: 'BadRequest', message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH} levels`) });
    expect(await keysSnapshot(backend.store)).toBe(before);
  });

  it('a body that never finishes arriving is answered 408 and the connection closed', async () => {
    const socket = connect(api.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write(
      `PATCH ${services}/web HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${api.adminToken}\r\n` +
        'Content-Type: application/merge-patch+json\r\nContent-Length: 100\r\n\r\n{"spec":',
    );
    const timer = setTimeout(() => socket.destroy(), 10_000);
    const at = await closed;
    clearTimeout(timer);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(at - started).toBeLessThan(5_000);
  });

  it(`one principal may hold ${WATCH_LIMIT} watches; one more is a 429, and a closed one frees its slot`, async () => {
    const open = async () => {
      const controller = new AbortController();
      const res = await fetch(`${api.url}${services}?watch=true`, { headers: { authorization: `Bearer ${api.adminToken}` }, signal: controller.signal });
      return { res, abort: () => controller.abort() };
    };
    const held = [];
    for (let i = 0; i < WATCH_LIMIT; i++) held.push(await open());
    expect(held.map((w) => w.res.status)).toEqual(Array(WATCH_LIMIT).fill(200));
    const refused = await open();
    expect(refused.res.status).toBe(429);
    expect(await refused.res.json()).toMatchObject({ reason: 'TooManyRequests', message: expect.stringContaining(`already has ${WATCH_LIMIT} watches open`) });
    held.pop()?.abort();
    let again = await open();
    // The server learns of the closed stream when its socket closes: give it a moment.
    for (let i = 0; i < 50 && again.res.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await open();
    }
    expect(again.res.status).toBe(200);
    for (const w of [...held, again]) w.abort();
  });

  it('a status write of 600 KB is a 413 naming the per-object limit, and the object is unchanged', async () => {
    const before = await keysSnapshot(backend.store);
    const big = { status: { events: [{ id: 'e', createdAt: new Date().toISOString(), message: 'x'.repeat(600 * 1024) }] } };
    const res = await raw(`${api.url}${services}/web/status`, {
      method: 'PATCH',
      token: api.adminToken,
      contentType: 'application/merge-patch+json',
      body: JSON.stringify(big),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ message: expect.stringContaining(`over the limit of ${MAX_OBJECT_BYTES} bytes per object`) });
    expect(await keysSnapshot(backend.store)).toBe(before);
  });
});
