import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { REDACTED_PATHS } from './log.js';

it.each([
  ['a container spec logged whole', { spec: { Env: ['DB_PASSWORD=hunter2'], HostConfig: { LogConfig: { Config: { token: 'hunter2' } } } } }],
  ['pull credentials', { image: 'x', authconfig: { username: 'u', password: 'hunter2' } }],
  ['a Secret manifest', { object: { spec: { stringData: { pw: 'hunter2' } } } }],
  ['resolved task secrets', { answer: { containers: { app: { environment: { PW: 'hunter2' } } } } }],
  ['a password at the top', { password: 'hunter2' }],
])('the logger never writes secret values: %s', (_what, object) => {
  let out = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void ((out += chunk.toString()), done()) });
  pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink).info(object, 'logged');
  expect(out).toContain('logged');
  expect(out).not.toContain('hunter2');
});
