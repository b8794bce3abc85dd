/**
 * What `berth wait --for=…` waits for, as a pure predicate on the object (undefined = it does not
 * exist): `condition=steady` (services), `delete`, `jsonpath='{.path}'=VALUE` (or `jsonpath='{.path}'`:
 * the path has a non-empty value).
 */
import type { KindName } from '../../api/keys.js';
import type { BerthObject } from '../../api/v1/index.js';
import { evaluate, JsonPathTemplateError, parseTemplate, renderValue } from '../output/jsonpath.js';

export class WaitConditionError extends Error {
  override readonly name = 'WaitCondition';
  readonly retriable = false;
}

export interface WaitCondition {
  /** As the user wrote it, for messages. */
  text: string;
  met(object: BerthObject | undefined): boolean;
  /** What the object shows now, for the timeout message. */
  observed(object: BerthObject | undefined): string;
}

const USAGE = "use --for=condition=steady, --for=delete or --for=jsonpath='{.status.lastStatus}'=RUNNING";

export function parseCondition(text: string, kind: KindName): WaitCondition {
  if (text === 'delete') return { text, met: (o) => o === undefined, observed: (o) => (o ? 'it still exists' : 'it is gone') };
  if (text.startsWith('condition=')) {
    const name = text.slice('condition='.length).toLowerCase();
    if (name !== 'steady') throw new WaitConditionError(`--for=${text}: unknown condition "${name}"; the one condition is steady (services); ${USAGE}`);
    if (kind !== 'Service') throw new WaitConditionError(`--for=${text}: only services have the steady condition, not ${kind}`);
    return { text, met: (o) => o?.kind === 'Service' && steady(o), observed: describeService };
  }
  if (text.startsWith('jsonpath=')) return jsonpathCondition(text, text.slice('jsonpath='.length));
  throw new WaitConditionError(`--for=${text}: not a condition; ${USAGE}`);
}

/**
 * Steady: the spec the controller last saw is the current one (else the status still describes the
 * previous spec), its PRIMARY deployment COMPLETED, and all desired tasks run.
 */
export function steady(service: Extract<BerthObject, { kind: 'Service' }>): boolean {
  const { metadata, status } = service;
  if (!status) return false;
  if (metadata.generation !== undefined && (status.observedGeneration ?? -1) < metadata.generation) return false;
  const primary = status.deployments.find((d) => d.status === 'PRIMARY');
  return primary?.rolloutState === 'COMPLETED' && status.runningCount === status.desiredCount;
}

function describeService(o: BerthObject | undefined): string {
  if (o?.kind !== 'Service') return 'it does not exist';
  const primary = o.status?.deployments.find((d) => d.status === 'PRIMARY');
  return `running ${o.status?.runningCount ?? 0} of ${o.status?.desiredCount ?? 0}, primary deployment ${primary?.rolloutState ?? 'none'}`;
}

function jsonpathCondition(text: string, spec: string): WaitCondition {
  // The template is `{…}` (quotes already removed by the shell); `=VALUE` follows its closing brace.
  const close = spec.startsWith('{') ? spec.lastIndexOf('}') : -1;
  const [template, value] =
    close < 0 ? splitPlain(spec) : [spec.slice(0, close + 1), spec.slice(close + 1).startsWith('=') ? spec.slice(close + 2) : undefined];
  if (close >= 0 && spec.length > close + 1 && value === undefined) throw new WaitConditionError(`--for=${text}: expected =VALUE after the path; ${USAGE}`);
  let pieces;
  try {
    pieces = parseTemplate(template);
  } catch (err) {
    throw new WaitConditionError(`--for=${text}: ${err instanceof JsonPathTemplateError ? err.message : String(err)}`);
  }
  const only = pieces[0];
  if (pieces.length !== 1 || !only || !('path' in only))
    throw new WaitConditionError(`--for=${text}: give one path, e.g. jsonpath='{.status.lastStatus}'=RUNNING`);
  const values = (o: BerthObject | undefined) => (o ? evaluate(only.path, o).map(renderValue) : []);
  return {
    text,
    met: (o) => {
      const found = values(o);
      return value === undefined ? found.some((v) => v !== '') : found.length > 0 && found.every((v) => v === value);
    },
    observed: (o) => (o ? `${template} is ${JSON.stringify(values(o).join(' '))}` : 'it does not exist'),
  };
}

function splitPlain(spec: string): [string, string | undefined] {
  const eq = spec.indexOf('=');
  return eq < 0 ? [spec, undefined] : [spec.slice(0, eq), spec.slice(eq + 1)];
}
