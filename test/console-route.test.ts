/**
 * /ui: the console's files are served from memory without a token (a browser sends none when it
 * navigates), only the files of the build, with headers that keep the page to its own scripts;
 * the API beside it still refuses a request without a token.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from './api-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

let backend: TestStore;
let api: RunningApi;
let built: string;

beforeAll(async () => {
  built = mkdtempSync(join(tmpdir(), 'berth-console-build-'));
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>berth console</title>');
  writeFileSync(join(built, 'assets', 'index-abc123.js'), 'export {};');
  writeFileSync(join(built, '..', 'berth-console-outside.txt'), 'not part of the build');
  backend = await openTestSqlite();
  api = await startApi(backend, { consoleDir: built });
});

afterAll(async () => {
  await api.stop();
  await backend.dispose();
  rmSync(built, { recursive: true, force: true });
  rmSync(join(built, '..', 'berth-console-outside.txt'), { force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers, redirect: 'manual' });

describe('the console at /ui', () => {
  it('redirects /ui to /ui/ and serves the page without a token, with a CSP and no caching', async () => {
    const bare = await get('/ui');
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/ui/');
    const page = await get('/ui/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('berth console');
  });

  it('serves hashed assets as immutable', async () => {
    const js = await get('/ui/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it.each([
    ['/ui/nope.js'],
    ['/ui/../berth-console-outside.txt'],
    ['/ui/%2e%2e/berth-console-outside.txt'],
    ['/ui/assets/..%2f..%2fberth-console-outside.txt'],
  ])('does not serve %s: only the build’s own files exist', async (path) => {
    // (fetch resolves the dot segments first: those paths leave /ui and meet the API's token check.)
    const res = await get(path);
    expect([401, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('not part of the build');
  });

  it('leaves the API behind its token', async () => {
    expect((await get('/apis/berth.dev/v1/clusters')).status).toBe(401);
    expect((await get('/apis/berth.dev/v1/clusters', { authorization: `Bearer ${api.adminToken}` })).status).toBe(200);
  });
});
