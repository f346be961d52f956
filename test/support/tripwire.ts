import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Tripwire {
  port: number;
  /** TCP connections accepted so far: a refused fetch must leave this at 0. */
  connections: number;
  close(): Promise<void>;
}

/** A TCP listener on every loopback address (IPv4 and IPv6) that only counts who connects to it. */
export async function startTripwire(): Promise<Tripwire> {
  const tripwire = { port: 0, connections: 0 } as Tripwire;
  const server = createServer((socket) => {
    tripwire.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolvePromise) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolvePromise));
  tripwire.port = (server.address() as AddressInfo).port;
  tripwire.close = () => new Promise((resolvePromise) => server.close(() => resolvePromise()));
  return tripwire;
}
