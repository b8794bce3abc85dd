import { describe, expect, it } from 'vitest';
import { buildOverrides, RunTaskOverridesError } from './overrides.js';

const one = ['app'];
const two = ['app', 'sidecar'];
const file = (text: string) => ({ name: 'o.json', text });

describe('buildOverrides', () => {
  it.each([
    ['nothing given', { env: [], containerNames: one }, undefined],
    [
      '--env on the only container',
      { env: ['A=1', 'B=x=y'], containerNames: one },
      {
        containerOverrides: [
          {
            name: 'app',
            environment: [
              { name: 'A', value: '1' },
              { name: 'B', value: 'x=y' },
            ],
          },
        ],
      },
    ],
    [
      '--env with --container',
      { env: ['A='], container: 'sidecar', containerNames: two },
      { containerOverrides: [{ name: 'sidecar', environment: [{ name: 'A', value: '' }] }] },
    ],
    [
      'the file alone',
      { file: file('{"cpu":"512","containerOverrides":[{"name":"app","command":["sh"]}]}'), env: [], containerNames: one },
      { cpu: 512, containerOverrides: [{ name: 'app', command: ['sh'] }] },
    ],
    ['the file wrapped as a request body', { file: file('{"overrides":{"memory":"1 GB"}}'), env: [], containerNames: one }, { memory: 1024 }],
    [
      '--env wins over the file for the same name, and keeps the others',
      {
        file: file('{"containerOverrides":[{"name":"app","environment":[{"name":"A","value":"file"},{"name":"K","value":"kept"}]}]}'),
        env: ['A=flag'],
        containerNames: one,
      },
      {
        containerOverrides: [
          {
            name: 'app',
            environment: [
              { name: 'K', value: 'kept' },
              { name: 'A', value: 'flag' },
            ],
          },
        ],
      },
    ],
  ])('%s', (_, input, expected) => {
    expect(buildOverrides(input)).toEqual(expected);
  });

  it.each([
    ['--env without =', { env: ['A'], containerNames: one }, '--env A: write NAME=VALUE'],
    ['--env with several containers and no --container', { env: ['A=1'], containerNames: two }, 'name the one to set with --container NAME'],
    [
      '--container not in the definition',
      { env: ['A=1'], container: 'db', containerNames: two },
      '--container db: not a container of this task definition (its containers: app, sidecar)',
    ],
    ['a file that is not JSON', { file: file('{'), env: [], containerNames: one }, '--overrides o.json: not JSON'],
    [
      'an unknown field, named with its path',
      { file: file('{"containerOverrides":[{"name":"app","comand":["x"]}]}'), env: [], containerNames: one },
      'containerOverrides[0].comand: unknown field "comand"',
    ],
    ['a wrapped body names the path inside it', { file: file('{"overrides":{"cpu":-1}}'), env: [], containerNames: one }, 'overrides.cpu'],
  ])('rejects %s', (_, input, message) => {
    expect(() => buildOverrides(input)).toThrow(RunTaskOverridesError);
    expect(() => buildOverrides(input)).toThrow(message);
  });
});
