/**
 * The HAProxy configuration of a Desired state (pure). Frontends are the listeners; backends the
 * target groups, with HAProxy's own health checks made from each group's healthCheck; servers are
 * written too, so that a reload keeps them, and the server-state file (written just before a
 * reload) brings back each one's drain and health state in the new worker.
 */
import type { ForwardAction, Listener } from '../../../api/v1/load-balancer.js';
import type { TargetGroupSpec } from '../../../api/v1/target-group.js';
import type { Desired, DesiredBackend, DesiredServer } from './desired.js';
import { KEEP_ALIVE_SECONDS } from './old-workers.js';
import { ruleId, weightSlots } from './weights.js';

export interface ConfigPaths {
  adminSocket: string;
  stateFile: string;
  /** Each forward slot's threshold and backend (weights.ts), changed through the Runtime API. */
  weightsMap: string;
  routesMap: string;
}

export interface ConfigOptions {
  /** The address listeners bind to (0.0.0.0: every interface). */
  bindAddress: string;
  /** How long an old worker may keep serving its connections after a reload. */
  hardStopAfterSeconds: number;
}

/** Server options given both in the config and to `add server` (dynamic servers take no default-server). */
export function serverOptions(spec: TargetGroupSpec): string {
  const h = spec.healthCheck;
  const slow = spec.slowStart > 0 ? ` slowstart ${spec.slowStart}s` : '';
  return `check inter ${h.intervalSeconds}s rise ${h.healthyThresholdCount} fall ${h.unhealthyThresholdCount}${slow}`;
}

/** The frontends and backends without servers: what only a reload can change. */
export function listenerShape(desired: Desired, paths: ConfigPaths, options: ConfigOptions): string {
  return renderConfig({ ...desired, backends: desired.backends.map((b) => ({ ...b, servers: [] })) }, paths, options);
}

export function renderConfig(desired: Desired, paths: ConfigPaths, options: ConfigOptions): string {
  const lines = [
    '# Written by berth lb: changes here are overwritten.',
    'global',
    '  master-worker',
    `  stats socket ${paths.adminSocket} mode 600 level admin expose-fd listeners`,
    `  server-state-file ${paths.stateFile}`,
    `  hard-stop-after ${options.hardStopAfterSeconds}s`,
    'defaults',
    '  timeout connect 5s',
    '  timeout client 60s',
    // Bounds how long an old worker may still route a request after a reload (old-workers.ts).
    `  timeout http-keep-alive ${KEEP_ALIVE_SECONDS}s`,
    '  timeout server 60s',
    '  timeout check 5s',
    // A connection refused by a target that just went away is retried, each time on another one
    // (redispatch 1: HAProxy's default moves only the last retry, so a dead target was tried again).
    '  retries 3',
    '  option redispatch 1',
    '  load-server-state-from-file global',
    '',
  ];
  for (const f of desired.frontends) lines.push(...frontend(f.name, f.listener, options.bindAddress, paths), '');
  for (const b of desired.backends) lines.push(...backend(b), '');
  return lines.join('\n');
}

function frontend(name: string, l: Listener, bindAddress: string, paths: ConfigPaths): string[] {
  const mode = l.protocol === 'HTTP' ? 'http' : 'tcp';
  const out = [`frontend ${name}`, `  mode ${mode}`, `  bind ${bindAddress}:${l.port}`];
  // On a reload the old worker answers the next request on an idle keep-alive connection (with
  // `Connection: close`) rather than closing it under a client that may be sending on it (HTTP only).
  if (mode === 'http') out.push('  option idle-close-on-response');
  const request = mode === 'http' ? 'http-request' : 'tcp-request content';
  const actions: Array<[string, ForwardAction | undefined]> = [
    ...l.rules.map((r): [string, ForwardAction | undefined] => [ruleId(r.priority), r.actions[0]]),
    [ruleId(undefined), l.defaultActions[0]],
  ];
  out.push(`  ${request} set-var(txn.berth_rnd) rand(1000)`);
  for (const [rule, a] of actions)
    if (a !== undefined)
      for (const slot of weightSlots(name, rule, a)) out.push(`  ${request} set-var(${slot.variable}) str(${slot.key}),map_str_int(${paths.weightsMap},0)`);
  for (const rule of [...l.rules].sort((a, b) => a.priority - b.priority)) {
    const acls = rule.conditions.map((c, j) => {
      const acl = `r${rule.priority}_${j}`;
      const fetch = c.field === 'path-pattern' ? 'path' : 'hdr(host),field(1,:)';
      const flags = c.field === 'host-header' ? ' -i' : '';
      out.push(`  acl ${acl} ${fetch} -m reg${flags} ${c.values.map(globRegex).join(' ')}`);
      return acl;
    });
    const action = rule.actions[0];
    if (action) out.push(...useBackend(name, ruleId(rule.priority), action, acls.join(' '), paths.routesMap));
  }
  const fallback = l.defaultActions[0];
  if (fallback) out.push(...useBackend(name, ruleId(undefined), fallback, '', paths.routesMap));
  return out;
}

/**
 * use_backend lines for one action, one per slot whatever its groups (weights.ts): a request goes
 * to the first slot whose threshold is above its draw (`draw - threshold < 0`), to the backend the
 * routes map names for that slot. Which groups an action forwards to is thus no part of the config.
 */
function useBackend(frontend: string, rule: string, a: ForwardAction, condition: string, routesMap: string): string[] {
  const cond = (extra: string) => [condition, extra].filter((s) => s !== '').join(' ');
  return weightSlots(frontend, rule, a).map(
    (slot) => `  use_backend %[str(${slot.key}),map(${routesMap})] if ${cond(`{ var(txn.berth_rnd),sub(${slot.variable}) -m int lt 0 }`)}`,
  );
}

/** ELB's `*` and `?` as an anchored regex, single-quoted; other characters taken literally ([x] needs no backslash in the config). */
export function globRegex(glob: string): string {
  const body = [...glob]
    .map((ch) => {
      if (ch === '*') return '.*';
      if (ch === '?') return '.';
      if (ch === "'") return '\\x27';
      return /[A-Za-z0-9_\-/~@:&,;=!"]/.test(ch) ? ch : `[${ch}]`;
    })
    .join('');
  return `'^${body}$'`;
}

function backend(b: DesiredBackend): string[] {
  const http = b.spec.protocol === 'HTTP';
  const out = [`backend ${b.name}`, `  mode ${http ? 'http' : 'tcp'}`, '  balance roundrobin'];
  if (http) {
    out.push(`  option httpchk GET ${b.spec.healthCheck.path}`);
    out.push(`  http-check expect rstatus ${statusRegex(b.spec.healthCheck.matcher.httpCode)}`);
    // A target killed between its last passing check and the next one: a request sent to it gets
    // its connection closed with no response, which is retried elsewhere like a refused connection
    // is. Only for requests that are safe to send twice: any other may have been acted on already.
    out.push('  retry-on conn-failure empty-response', '  http-request disable-l7-retry unless METH_GET || METH_OPTIONS');
  }
  out.push(`  timeout check ${b.spec.healthCheck.timeoutSeconds}s`);
  for (const s of b.servers) out.push(serverLine(s, b.spec));
  return out;
}

function serverLine(s: DesiredServer, spec: TargetGroupSpec): string {
  return `  server ${s.name} ${s.address}:${s.port} ${serverOptions(spec)}`;
}

/** `200`, `200,202`, `200-299` as one anchored regex over the status code. */
export function statusRegex(httpCode: string): string {
  const parts = httpCode.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) return [];
    const last = to === undefined || Number.isNaN(to) ? from : to;
    return Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => String(from + i));
  });
  return `^(${parts.join('|')})$`;
}
