/** `--listen HOST:PORT` (or `:PORT`, or `[::1]:PORT`) → host and port. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new Error(`--listen: "${text}" is not HOST:PORT; expected e.g. 127.0.0.1:7070 or 0.0.0.0:7070`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
