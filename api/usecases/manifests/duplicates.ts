/**
 * One set of manifests must not declare the same object twice: applying it would silently keep
 * whichever came last. Identity is kind + cluster + name (a Cluster is identified by its name alone).
 */
import type { BerthObject } from '../../v1/index.js';
import { type ManifestErrorLocation, ManifestError, formatLocation } from './errors.js';

export interface NamedObject {
  object: BerthObject;
  /** Where the object's name is written. */
  nameAt: Omit<ManifestErrorLocation, 'message'>;
}

export function findDuplicates(objects: readonly NamedObject[]): ManifestError[] {
  const firstSeen = new Map<string, NamedObject>();
  const errors: ManifestError[] = [];
  for (const named of objects) {
    const { kind, metadata } = named.object;
    const cluster = kind === 'Cluster' ? metadata.name : metadata.cluster;
    const identity = JSON.stringify([kind, cluster, metadata.name]);
    const first = firstSeen.get(identity);
    if (!first) {
      firstSeen.set(identity, named);
      continue;
    }
    const inCluster = kind === 'Cluster' ? '' : ` in cluster "${cluster}"`;
    const message = `duplicate ${kind} "${metadata.name}"${inCluster}, first defined at ${formatLocation(first.nameAt)}; remove or rename one of them`;
    errors.push(new ManifestError({ ...named.nameAt, message }));
  }
  return errors;
}
