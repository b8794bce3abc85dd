/**
 * Compose's value syntaxes that have no kept parser at hand: byte sizes (`512m`, `1.5gb`), CPU
 * counts (`0.5`), port specs (`127.0.0.1:8080:80/udp`, `8000-8001:80-81`) and command strings split
 * into words the way compose splits them (shell quoting, no shell). Each throws a ComposeValueError
 * that says what was expected.
 */
import { CPU_UNITS_PER_VCPU } from '../../api/v1/units.js';

export class ComposeValueError extends Error {
  override readonly name = 'ComposeValueError';
  readonly retriable = false;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** `512m` → 512, `1g` → 1024, `1000000` (bytes) → 1; rounded up to whole MiB. */
export function parseMiB(value: string | number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(String(value).trim());
  const unit = BYTE_UNITS[m?.[2]?.toLowerCase() ?? 'x'];
  if (!m || unit === undefined) throw new ComposeValueError(`"${value}" is not a byte size; use e.g. 512m or 1g`);
  return Math.ceil((Number(m[1]) * unit) / 1024 ** 2);
}

/** `0.5` CPUs → 512 CPU units. */
export function parseCpus(value: string | number): number {
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || n < 0) throw new ComposeValueError(`"${value}" is not a number of CPUs; use e.g. 0.5`);
  return Math.round(n * CPU_UNITS_PER_VCPU);
}

export interface PortSpec {
  containerPort: number;
  /** undefined: published on an ephemeral port. */
  hostPort?: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
}

const MAX_PORT_RANGE = 100;

/** The short syntax: `[HOST_IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]`. */
export function parsePortSpec(spec: string | number): PortSpec[] {
  const text = String(spec).trim();
  const [address = '', proto = 'tcp', extra] = text.split('/');
  if (extra !== undefined || (proto !== 'tcp' && proto !== 'udp')) throw new ComposeValueError(`port "${text}": the protocol must be tcp or udp`);
  // An IPv6 host IP is bracketed: [::1]:8080:80.
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(address);
  const parts = v6 ? [v6[1] ?? '', ...(v6[2] ?? '').split(':')] : address.split(':');
  if (parts.length > 3) throw new ComposeValueError(`port "${text}": expected [HOST_IP:][HOST:]CONTAINER[/PROTOCOL]`);
  const container = range(parts[parts.length - 1] ?? '', text);
  const hostText = parts.length >= 2 ? parts[parts.length - 2] : '';
  const host = hostText ? range(hostText, text) : undefined;
  const hostIp = parts.length === 3 ? parts[0] : undefined;
  if (host && host.length !== container.length && host.length !== 1)
    throw new ComposeValueError(`port "${text}": the host and container ranges must be the same length`);
  return container.map((containerPort, i) => ({
    containerPort,
    ...(host ? { hostPort: host.length === 1 ? host[0] : host[i] } : {}),
    protocol: proto,
    ...(hostIp ? { hostIp } : {}),
  }));
}

function range(text: string, whole: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new ComposeValueError(`port "${whole}": "${text}" is not a port or a port range`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from || to - from >= MAX_PORT_RANGE)
    throw new ComposeValueError(`port "${whole}": ports must be 1-65535, ranges ascending and at most ${MAX_PORT_RANGE} long`);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * Splits a command string into words as compose does (POSIX shell quoting, no expansion): a
 * string `command:` is NOT run by a shell, so `sh -c "a && b"` becomes ["sh", "-c", "a && b"].
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text.charAt(i + 1))) word += text.charAt(++i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ComposeValueError(`command "${text}" has an unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}
