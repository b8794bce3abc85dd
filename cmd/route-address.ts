/**
 * The local address this machine uses to reach `server`: where a server that hears from us can most
 * likely reach us back. The agent advertises it for its log server when bound to every interface
 * and told nothing better (a multi-homed machine's first interface may face the wrong network).
 */
import { connect } from 'node:net';

/** Undefined when the server cannot be reached within `timeoutMs` (the caller falls back). */
export function localAddressToward(server: string, timeoutMs = 2_000): Promise<string | undefined> {
  const url = new URL(server);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (address: string | undefined) => {
      socket.destroy();
      resolve(address);
    };
    socket.once('connect', () => done(socket.localAddress?.replace(/^::ffff:/, '')));
    socket.once('timeout', () => done(undefined));
    socket.once('error', () => done(undefined));
  });
}
