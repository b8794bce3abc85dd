/** Parsing etcd endpoint flags (kept apart from the backends so the CLI can check flags cheaply). */

/** `--etcd http://a:2379,http://b:2379` → endpoints. */
export function parseEndpoints(flag: string | undefined): string[] {
  if (!flag) return [];
  return flag
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => {
      if (!/^https?:\/\/[^/]+$/.test(e)) throw new Error(`--etcd: "${e}" is not an etcd client URL; expected e.g. http://127.0.0.1:2379`);
      return e;
    });
}
