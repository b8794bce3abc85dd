/**
 * The YAML `berth diff` compares: an object without what the server sets on every write (status,
 * resourceVersion, generation, uid, timestamps) and without the last-applied record, so the diff
 * shows only what a user could have changed in a file.
 */
import { stringify } from 'yaml';
import type { BerthObject } from '../../api/v1/index.js';
import { LAST_APPLIED_ANNOTATION } from '../apply/constants.js';
import type { ApplyResult } from '../apply/types.js';
import { kindLabel } from './kinds.js';
import { unifiedDiff } from './unified-diff.js';
import { publicObject } from '../../api/usecases/secrets/public-view.js';

export function comparable(object: BerthObject | undefined): string {
  if (!object) return '';
  // A Secret's values never reach the screen: its keys and sizes are compared instead.
  const o = publicObject(object);
  const { resourceVersion: _rv, generation: _g, uid: _u, creationTimestamp: _c, annotations, ...meta } = o.metadata;
  const { [LAST_APPLIED_ANNOTATION]: _la, ...kept } = annotations ?? {};
  const metadata = { ...meta, ...(Object.keys(kept).length > 0 ? { annotations: kept } : {}) };
  return stringify({ apiVersion: o.apiVersion, kind: o.kind, metadata, spec: o.spec });
}

/** The diff of one apply result; '' when it changes nothing. */
export function diffOfResult(r: ApplyResult): string {
  const name = `${kindLabel(r.kind)}/${r.name}`;
  return unifiedDiff(comparable(r.before), comparable(r.after), { from: `live/${name}`, to: `applied/${name}` });
}
