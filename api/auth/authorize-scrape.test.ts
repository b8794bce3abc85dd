import { describe, expect, it } from 'vitest';
import { authorize, authorizeMeta, authorizeScrapeToken } from './authorize.js';
import type { Principal } from './principal.js';

const scrape: Principal = { name: 'prometheus', role: 'scrape' };
const admin: Principal = { name: 'ops', role: 'admin' };
const viewer: Principal = { name: 'dev', role: 'user', grants: { '*': 'view' } };

describe('a scrape token', () => {
  it.each([
    { who: scrape, metrics: true, allowed: true },
    { who: scrape, metrics: false, allowed: false },
    { who: admin, metrics: false, allowed: true },
    { who: viewer, metrics: false, allowed: true },
  ])('$who.role reaching metrics=$metrics: $allowed', ({ who, metrics, allowed }) => {
    expect(authorizeScrapeToken(who, metrics, 'GET /version').allowed).toBe(allowed);
  });

  it.each([
    { who: scrape, allowed: true },
    { who: admin, allowed: true },
    { who: viewer, allowed: false },
  ])('/metrics for $who.role: $allowed', ({ who, allowed }) => {
    expect(authorizeMeta(who, 'metrics').allowed).toBe(allowed);
  });

  it.each(['get', 'list', 'watch', 'create', 'delete'] as const)('may not %s objects', (verb) => {
    expect(authorize(scrape, { verb, kind: 'Task', cluster: 'default' })).toEqual({ allowed: false, reason: expect.stringContaining('scrape token') });
  });
});
