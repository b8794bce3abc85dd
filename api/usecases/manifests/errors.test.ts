import { describe, expect, it } from 'vitest';
import { ManifestError, formatFieldPath, formatManifestError } from './errors.js';

describe('formatFieldPath', () => {
  it.each([
    [['spec', 'containerDefinitions', 0, 'healthCheck', 'interval'], 'spec.containerDefinitions[0].healthCheck.interval'],
    [['metadata', 'labels', 'app.kubernetes.io/name'], 'metadata.labels["app.kubernetes.io/name"]'],
    [[0, 'name'], '[0].name'],
    [[], ''],
  ])('%j → %s', (path, expected) => {
    expect(formatFieldPath(path)).toBe(expected);
  });
});

describe('formatManifestError', () => {
  it.each([
    [{ file: 'a.yaml', line: 3, column: 7, path: 'spec.x', message: 'bad' }, 'a.yaml:3:7: spec.x: bad'],
    [{ file: 'a.yaml', line: 3, column: 7, path: '', message: 'syntax' }, 'a.yaml:3:7: syntax'],
    [{ file: 'gone.yaml', line: 0, column: 0, path: '', message: 'no such file' }, 'gone.yaml: no such file'],
  ])('%j', (where, expected) => {
    expect(formatManifestError(where)).toBe(expected);
    expect(formatManifestError(new ManifestError(where))).toBe(expected);
  });

  it('is an Error with a stable name that is not retriable', () => {
    const e = new ManifestError({ file: 'f', line: 1, column: 1, path: 'p', message: 'm' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ManifestError');
    expect(e.retriable).toBe(false);
    expect(e.message).toBe('m');
  });
});
