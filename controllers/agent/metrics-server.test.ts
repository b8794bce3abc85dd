import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { rootLogger } from '../../api/log.js';
import { ALLOWED_FOR_MS, MetricsServer } from './metrics-server.js';

let server: MetricsServer | undefined;
afterEach(async () => server?.stop());

/** A server whose API answers come from `answers` (by token), counting the questions asked. */
async function serve(answers: Record<string, boolean | Error>, clock = { now: 0 }) {
  const registry = new Registry();
  new Counter({ name: 'berth_agent_test_total', help: 'a series to serve', registers: [registry] }).inc();
  const asked: string[] = [];
  server = new MetricsServer({
    listen: '127.0.0.1:0',
    registry,
    log: rootLogger,
    now: () => clock.now,
    mayRead: async (token) => {
      asked.push(token);
      const answer = answers[token] ?? false;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  const address = await server.start();
  const get = async (path: string, token?: string, method = 'GET') => {
    const res = await fetch(`http://${address}${path}`, { method, ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }) });
    return { status: res.status, body: await res.text() };
  };
  return { get, asked, clock };
}

describe('MetricsServer', () => {
  it.each([
    ['a token the API server allows: the series', 'scrape', 200, /berth_agent_test_total 1/],
    ['no token', undefined, 401, /no bearer token/],
    ['a token it refuses', 'view', 403, /does not let this token read metrics/],
    ['the API server unreachable', 'broken', 503, /try again/],
  ])('%s', async (_what, token, status, body) => {
    const { get } = await serve({ scrape: true, view: false, broken: new Error('ECONNREFUSED') });
    const res = await get('/metrics', token);
    expect(res.status).toBe(status);
    expect(res.body).toMatch(body);
  });

  it.each([
    ['another path', '/v1/tasks', 'GET', 404],
    ['another method', '/metrics', 'POST', 405],
  ])('refuses %s before asking anyone', async (_what, path, method, status) => {
    const { get, asked } = await serve({ scrape: true });
    expect((await get(path, 'scrape', method)).status).toBe(status);
    expect(asked).toEqual([]);
  });

  it('believes an allowed token for ALLOWED_FOR_MS, and asks again after; refusals are asked every time', async () => {
    const { get, asked, clock } = await serve({ scrape: true });
    await get('/metrics', 'scrape');
    clock.now = ALLOWED_FOR_MS - 1;
    await get('/metrics', 'scrape');
    expect(asked).toEqual(['scrape']);
    clock.now = ALLOWED_FOR_MS;
    await get('/metrics', 'scrape');
    await get('/metrics', 'nope');
    await get('/metrics', 'nope');
    expect(asked).toEqual(['scrape', 'scrape', 'nope', 'nope']);
  });
});
