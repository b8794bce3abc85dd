/**
 * A service's `configs:` → a read-only bind mount of the config's file at its target (compose's
 * default target is /<source>). berth has no config store, so only file-based configs can be
 * honoured; `external`, `content` and `environment` configs, and uid/gid/mode (a bind mount keeps
 * the file's own), are errors naming the field, never accepted and ignored.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ContainerInput, FieldPath, Finding, VolumeInput } from './map-service.js';
import type { Compose, ComposeService } from './schema.js';

export interface MappedConfigs {
  volumes: VolumeInput[];
  mountPoints: NonNullable<ContainerInput['mountPoints']>;
  findings: Finding[];
}

export function mapConfigs(
  service: string,
  configs: ComposeService['configs'],
  topConfigs: NonNullable<Compose['configs']>,
  dir: string,
  volumeName: (name: string) => string,
): MappedConfigs {
  const out: MappedConfigs = { volumes: [], mountPoints: [], findings: [] };
  const fail = (path: FieldPath, message: string) => out.findings.push({ severity: 'error', path, message });
  for (const [i, c] of (configs ?? []).entries()) {
    const path: FieldPath = ['services', service, 'configs', i];
    const source = typeof c === 'string' ? c : c.source;
    if (!source) {
      fail(path, 'a config needs a source');
      continue;
    }
    if (typeof c !== 'string')
      for (const key of ['uid', 'gid', 'mode'] as const)
        if (c[key] !== undefined)
          fail([...path, key], `cannot be honoured: berth mounts the config file as it is on the host; set its ${key} there and drop this key`);
    const top: Record<string, unknown> | undefined = topConfigs[source];
    if (top === undefined) {
      fail(path, `config "${source}" is not declared under the top-level configs:`);
      continue;
    }
    const refused = ['external', 'content', 'environment'].find((k) => top[k] !== undefined && top[k] !== false);
    if (refused !== undefined) {
      fail(['configs', source, refused], `berth has no config store: only a config with file: can be mounted; write the config to a file`);
      continue;
    }
    const file = top.file;
    if (typeof file !== 'string' || file === '') {
      fail(['configs', source], 'needs file: (the only kind of config berth can mount)');
      continue;
    }
    const target = typeof c === 'string' || !c.target ? `/${source}` : c.target;
    const sourcePath = isAbsolute(file) ? file : resolve(dir, file);
    const name = volumeName(`${service}-config-${source}`);
    // The same config mounted at two targets is one volume.
    if (!out.volumes.some((v) => v.name === name)) out.volumes.push({ name, host: { sourcePath } });
    out.mountPoints.push({ sourceVolume: name, containerPath: isAbsolute(target) ? target : `/${target}`, readOnly: true });
    out.findings.push({
      severity: 'warning',
      path,
      message: `mounted read-only from ${sourcePath}: a host volume, which the cluster's task policy refuses unless it allows hostPaths (level privileged or allow: [hostPaths])`,
    });
  }
  return out;
}
