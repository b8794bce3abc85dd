/**
 * The local test image is what every end-to-end test and example runs; no registry exists here.
 * These checks run it through the real Docker engine (dockerode), as the agent will.
 */
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

const image = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
const docker = new Docker();

async function run(cmd: string[]): Promise<{ code: number; out: string }> {
  const chunks: Buffer[] = [];
  const sink = new (await import('node:stream')).Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const [result] = await docker.run(image, cmd, sink, { Tty: true, HostConfig: { AutoRemove: true } });
  const code = (result as { StatusCode: number }).StatusCode;
  return { code, out: Buffer.concat(chunks).toString() };
}

describe('local busybox image', () => {
  it.each(['sh', 'sleep', 'httpd', 'wget', 'nc', 'cat', 'echo', 'true', 'false'])('has %s', async (applet) => {
    const { code, out } = await run(['sh', '-c', `which ${applet}`]);
    expect(code).toBe(0);
    expect(out.trim()).toBe(`/bin/${applet}`);
  });

  it('serves HTTP with httpd and fetches it with wget inside one container', async () => {
    const { code, out } = await run(['sh', '-c', 'httpd -p 8080 -h /www && wget -q -O - http://127.0.0.1:8080/']);
    expect(code).toBe(0);
    expect(out).toContain('<h1>berth</h1>');
  });

  it('propagates exit codes', async () => {
    expect((await run(['sh', '-c', 'exit 7'])).code).toBe(7);
  });

  it('is not rebuilt when it already exists', () => {
    const idOf = () => execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', image]).toString().trim();
    const before = idOf();
    execFileSync('bash', ['hack/image.sh'], { stdio: 'pipe' });
    expect(idOf()).toBe(before);
  });
});
