import { describe, expect, it } from 'vitest';
import { parsePortPair } from '../../../cli/commands/actions/port-forward.js';
import { agentExecPath, agentPortPath, parseAgentStreamPath } from '../../paths.js';
import { shellWords } from '../../server/task-stream-routes.js';
import { EXEC_CHANNEL, ExecQuery, execQueryString, frame, queryObject, unframe } from './stream-protocol.js';

describe('exec and port-forward protocol', () => {
  it('frames and unframes channels', () => {
    expect(unframe(frame(EXEC_CHANNEL.stderr, 'oops'))).toEqual({ channel: 2, data: Buffer.from('oops') });
    expect(unframe(frame(EXEC_CHANNEL.stdinEnd))).toEqual({ channel: 5, data: Buffer.alloc(0) });
    expect(unframe(Buffer.alloc(0))).toBeUndefined();
  });

  it.each([[{ command: ['sh', '-c', 'a b'], tty: false, stdin: true }], [{ container: 'app', command: ['true'], tty: true, stdin: false }]])(
    'an exec query survives the URL both hops use (%j)',
    (q) => {
      expect(ExecQuery.parse(queryObject(new URLSearchParams(execQueryString(q))))).toEqual(q);
    },
  );

  it('an exec needs a command', () => {
    expect(ExecQuery.safeParse({}).success).toBe(false);
  });

  it.each([
    [agentExecPath('web-1', 'app'), { kind: 'exec', task: 'web-1', container: 'app' }],
    [agentPortPath('web-1', 'app', 8080), { kind: 'port', task: 'web-1', container: 'app', port: 8080 }],
    ['/v1/tasks/t/containers/c/ports/0', undefined],
    ['/v1/tasks/t/containers/c/ports/70000', undefined],
    ['/v1/tasks/t/containers/c/ports/80/x', undefined],
    ['/v1/tasks/t/containers/c/logs', undefined],
    ['/v1/tasks/t/containers/c/exec/x', undefined],
  ])('agent path %s', (path, target) => {
    expect(parseAgentStreamPath(path)).toEqual(target);
  });

  it.each([
    [['sh', '-c', 'exit 3'], "sh -c 'exit 3'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['ls', '-l', '/tmp'], 'ls -l /tmp'],
    [['printf', ''], "printf ''"],
  ])('event text of %j', (command, text) => {
    expect(shellWords(command)).toBe(text);
  });

  it.each([
    ['8080:80', { local: 8080, remote: 80 }],
    ['80', { local: 80, remote: 80 }],
    ['0:80', { local: 0, remote: 80 }],
  ])('port pair %s', (text, pair) => {
    expect(parsePortPair(text)).toEqual(pair);
  });

  it.each(['80:0', 'a:80', '80:', '1:70000', ''])('refuses port pair %j', (text) => {
    expect(() => parsePortPair(text)).toThrow(/not a port pair/);
  });
});
