import { describe, expect, it } from 'vitest';
import { authorize, type ResourceRequest } from './authorize.js';
import type { Principal } from './principal.js';

const lb: Principal = { name: 'edge-a', role: 'lb', cluster: 'prod' };

describe('a load balancer token', () => {
  it.each<[string, ResourceRequest, boolean | 'ownHealthReport']>([
    ['list its load balancers', { verb: 'list', kind: 'LoadBalancer', cluster: 'prod' }, true],
    ['watch its target groups', { verb: 'watch', kind: 'TargetGroup', cluster: 'prod' }, true],
    ['get one target group', { verb: 'get', kind: 'TargetGroup', cluster: 'prod', name: 'web' }, true],
    ['report into a target group status', { verb: 'update', kind: 'TargetGroup', cluster: 'prod', name: 'web', subresource: 'status' }, 'ownHealthReport'],
    ['patch a target group status', { verb: 'patch', kind: 'TargetGroup', cluster: 'prod', name: 'web', subresource: 'status' }, 'ownHealthReport'],
    ['change a target group spec', { verb: 'update', kind: 'TargetGroup', cluster: 'prod', name: 'web' }, false],
    ['create a load balancer', { verb: 'create', kind: 'LoadBalancer', cluster: 'prod', name: 'x' }, false],
    ['delete a target group', { verb: 'delete', kind: 'TargetGroup', cluster: 'prod', name: 'web' }, false],
    ['read tasks', { verb: 'list', kind: 'Task', cluster: 'prod' }, false],
    ['read services', { verb: 'get', kind: 'Service', cluster: 'prod', name: 'web' }, false],
    ['read another cluster', { verb: 'list', kind: 'LoadBalancer', cluster: 'dev' }, false],
    ['read across clusters', { verb: 'list', kind: 'TargetGroup' }, false],
  ])('%s', (_what, req, allowed) => {
    const decision = authorize(lb, req);
    if (allowed === 'ownHealthReport') expect(decision).toEqual({ allowed: 'ownHealthReport', proxy: 'edge-a' });
    else expect(decision.allowed).toBe(allowed);
    if (decision.allowed === false) expect(decision.reason).toContain('load balancer token edge-a');
  });
});
