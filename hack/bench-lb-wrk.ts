/**
 * wrk (Debian's, installed by hack/install-deps.sh) as the traffic bench's load generator: run for a
 * fixed time, or until stopped (wrk prints its figures on SIGINT too), and its report parsed.
 */
import { spawn } from 'node:child_process';

export interface WrkResult {
  /** Responses received, whatever their status. */
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles (ms) from `--latency`. */
  p50: number;
  p99: number;
  non2xx: number;
  socket: { connect: number; read: number; write: number; timeout: number };
}

const MS_PER: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m?.[1] || !m[2]) throw new Error(`wrk: cannot read the duration "${text}"`);
  return m[2] === 'us' ? Number(m[1]) / 1000 : Number(m[1]) * (MS_PER[m[2]] ?? NaN);
}

/** wrk's k/M suffixes on counts ("1.23k"). */
function count(text: string): number {
  const m = /^([\d.]+)([kMG]?)$/.exec(text);
  if (!m?.[1]) throw new Error(`wrk: cannot read the count "${text}"`);
  return Number(m[1]) * ({ '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? NaN);
}

export function parseWrk(out: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk: no ${what} in its report:\n${out}`);
    return m;
  };
  const percentile = (p: number) => duration(need(new RegExp(`^\\s+${p}%\\s+(\\S+)\\s*$`, 'm'), `${p}% latency`)[1] ?? '');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: count(need(/(\S+) requests in /, 'request count')[1] ?? ''),
    requestsPerSecond: Number(need(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]),
    p50: percentile(50),
    p99: percentile(99),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socket: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
  };
}

/**
 * Requests that failed, and every request tried: a refused connection carried no request but one
 * was meant to go there, so it counts in both; a timeout is a request that got no answer in time
 * (wrk counts it beside, not instead of, a late response, so it is not added to the total).
 */
export function failures(r: WrkResult): { failed: number; total: number } {
  const { connect, read, write, timeout } = r.socket;
  return { failed: r.non2xx + connect + read + write + timeout, total: r.requests + connect + read + write };
}

export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  /** Seconds; a run that is stopped earlier reports what it saw until then. */
  seconds: number;
  /** A response slower than this counts as a timeout. */
  timeoutSeconds: number;
}

export interface WrkRun {
  /** Ends the run now (SIGINT: wrk prints its report) and gives its figures. */
  stop(): Promise<WrkResult>;
  done: Promise<WrkResult>;
}

export function startWrk(o: WrkOptions): WrkRun {
  const args = ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.seconds}s`, '--timeout', `${o.timeoutSeconds}s`, '--latency', o.url];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<WrkResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve(parseWrk(out));
      } catch (e) {
        reject(new Error(`wrk ${args.join(' ')} exited with ${code}: ${err || String(e)}`));
      }
    });
  });
  return {
    done,
    stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return done;
    },
  };
}

export const runWrk = (o: WrkOptions): Promise<WrkResult> => startWrk(o).done;
