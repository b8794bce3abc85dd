/**
 * The ECS endpoint's wire (AWS JSON 1.1) against a real API server and store, with raw HTTP: the
 * target header, the error shapes and codes, unknown and unsupported operations, and that objects
 * made through it are the objects the berth API serves.
 */
import { describe, expect, it } from 'vitest';
import { useEcsApi } from './support/ecs-api.js';

const env = useEcsApi();

async function ecs(op: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.api.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}`,
      authorization: `Bearer ${env.api.adminToken}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
}

describe('the ECS endpoint (AWS JSON 1.1)', () => {
  it('creates a cluster that the berth API then serves, with its ARN', async () => {
    const r = await ecs('CreateCluster', { clusterName: 'ecsapi-proto' });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-amz-json-1.1');
    expect(r.body.cluster).toMatchObject({
      clusterName: 'ecsapi-proto',
      status: 'ACTIVE',
      clusterArn: expect.stringMatching(/^arn:aws:ecs:us-east-1:\d{12}:cluster\/ecsapi-proto$/),
    });
    expect((await env.api.client().get('Cluster', { name: 'ecsapi-proto' }))?.metadata.name).toBe('ecsapi-proto');
  });

  it.each([
    ['DescribeServices', { cluster: 'ecsapi-nowhere', services: ['web'] }, 400, 'ClusterNotFoundException'],
    ['UpdateService', { service: 'ecsapi-none' }, 400, 'ServiceNotFoundException'],
    ['DescribeTaskDefinition', { taskDefinition: 'ecsapi-none:1' }, 400, 'ClientException'],
    ['ListClusters', { maxResults: 1000 }, 400, 'InvalidParameterException'],
    ['DescribeClusters', { clusters: 'not-a-list' }, 400, 'InvalidParameterException'],
    ['CreateTaskSet', {}, 400, 'UnsupportedFeatureException'],
    ['PutAttributes', {}, 400, 'InvalidParameterException'],
    ['GetTaskProtection', {}, 400, 'InvalidParameterException'],
    ['StopServiceDeployment', { serviceDeploymentArn: 'web' }, 400, 'InvalidParameterException'],
    ['FlyToTheMoon', {}, 400, 'UnknownOperationException'],
  ])('%s %j answers %i %s', async (op, body, status, type) => {
    const r = await ecs(op, body);
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ __type: type, message: expect.any(String) });
  });

  it('refuses a body that is not JSON, and a caller without credentials, in ECS shapes', async () => {
    expect((await ecs('ListClusters', '{nope')).body.__type).toBe('SerializationException');
    const anonymous = await ecs('ListClusters', {}, { authorization: '' });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.__type).toBe('MissingAuthenticationTokenException');
    expect((await ecs('ListClusters', {}, { authorization: 'Bearer berth_wrong' })).body.__type).toBe('UnrecognizedClientException');
  });

  it('answers a POST / without a target as ECS does, and leaves the berth API where it was', async () => {
    const res = await fetch(`${env.api.url}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.api.adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect((await fetch(`${env.api.url}/`, { headers: { authorization: `Bearer ${env.api.adminToken}` } })).status).toBe(404);
  });
});
