import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  url(path: string): string;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Serves local files as `audio_url` sources on 127.0.0.1. Routes map a path to a file, a status code, a
 * redirect or raw text, so tests can exercise every download outcome.
 */
export async function startFileServer(
  routes: Record<string, { file?: string; status?: number; redirect?: string; text?: string; contentType?: string }>,
  host = '127.0.0.1',
): Promise<FileServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (!route) return void res.writeHead(404).end('not found');
    if (route.redirect) return void res.writeHead(302, { location: route.redirect }).end();
    if (route.status) return void res.writeHead(route.status).end('nope');
    if (route.text !== undefined)
      return void res.writeHead(200, { 'content-type': route.contentType ?? 'text/html' }).end(route.text);
    const size = statSync(route.file!).size;
    res.writeHead(200, { 'content-type': route.contentType ?? 'application/octet-stream', 'content-length': size });
    createReadStream(route.file!).pipe(res);
  });
  await new Promise<void>((resolvePromise) => server.listen(0, host, resolvePromise));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    hits,
    close: () =>
      new Promise((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
