import { io, type Socket } from 'socket.io-client';
import { waitUntil } from './wait-until';

export interface LiveClient {
  socket: Socket;
  /** Every event received, in order, with its name. */
  events: { name: string; payload: Record<string, unknown> }[];
  of(name: string): Record<string, unknown>[];
  waitFor(
    name: string,
    predicate?: (payload: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  disconnectedAt?: number;
  close(): void;
}

/** A socket.io client on a captions namespace that records everything it receives. */
export function liveClient(
  baseUrl: string,
  namespace: '/audio-stream' | '/captions',
  options: { token?: string; lang?: string },
): LiveClient {
  const socket = io(`${baseUrl}${namespace}`, {
    auth: options.token === undefined ? {} : { token: options.token },
    query: options.lang ? { lang: options.lang } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client: LiveClient = {
    socket,
    events: [],
    of: (name) => client.events.filter((e) => e.name === name).map((e) => e.payload),
    waitFor: (name, predicate = () => true, timeoutMs = 20_000) =>
      waitUntil(
        `event ${name}`,
        () => client.events.find((e) => e.name === name && predicate(e.payload))?.payload,
        timeoutMs,
      ),
    close: () => socket.disconnect(),
  };
  socket.onAny((name: string, payload: Record<string, unknown>) =>
    client.events.push({ name, payload: payload ?? {} }),
  );
  socket.on('disconnect', () => (client.disconnectedAt = Date.now()));
  return client;
}
