import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { handleLiveSession, liveRefusal } from './deepgram-live';
import { handleListen } from './deepgram-rest';
import { FaultInjector, type SimulatorConfigPatch } from './faults';
import { readBody, send } from './http-helpers';
import { handleChat, handleTranscription } from './openai-routes';
import { SimulatorStats } from './stats';

export interface ProviderSimulator {
  readonly server: Server;
  readonly faults: FaultInjector;
  readonly stats: SimulatorStats;
  /** http://host:port once listening. */
  url(): string;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A local server speaking the OpenAI (audio transcriptions, chat completions) and Deepgram (pre-recorded
 * and live) wire formats, so the real SDKs run unmodified against it. Output is a deterministic function
 * of the audio received and every answer carries `x-voxflow-simulated: true`.
 */
export function createProviderSimulator(): ProviderSimulator {
  const faults = new FaultInjector();
  const stats = new SimulatorStats();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: `simulator bug: ${String(error)}` } });
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/\/+$/, '');
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'POST /v1/audio/transcriptions':
        return handleTranscription(req, res, faults, stats);
      case 'POST /v1/chat/completions':
        return handleChat(req, res, faults, stats);
      case 'POST /v1/listen':
        return handleListen(req, res, url, faults, stats);
      case 'GET /__sim/stats':
        return send(res, 200, stats.snapshot());
      case 'GET /__sim/config':
        return send(res, 200, faults.current);
      case 'POST /__sim/config': {
        try {
          const patch = JSON.parse((await readBody(req, 64 * 1024)).toString() || '{}') as SimulatorConfigPatch;
          return send(res, 200, faults.update(patch));
        } catch (error) {
          return send(res, 400, { error: String((error as Error).message) });
        }
      }
      case 'POST /__sim/reset':
        faults.reset();
        stats.reset();
        return send(res, 200, { ok: true });
      case 'GET /__sim/health':
      case 'GET ':
        return send(res, 200, { ok: true, simulator: 'voxflow-provider-simulator' });
      default:
        return send(res, 404, { error: { message: `the simulator does not serve ${key}` } });
    }
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.replace(/\/+$/, '') !== '/v1/listen') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const refusal = liveRefusal(req, url, faults);
    if (refusal) {
      socket.end(
        `HTTP/1.1 ${refusal.status} ${refusal.status === 401 ? 'Unauthorized' : 'Bad Request'}\r\ncontent-type: text/plain\r\n\r\n${refusal.message}`,
      );
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => handleLiveSession(ws, url, faults, stats));
  });

  let address = '';
  return {
    server,
    faults,
    stats,
    url: () => address,
    listen: (port = 4010, host = '127.0.0.1') =>
      new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const info = server.address() as AddressInfo;
          address = `http://${host}:${info.port}`;
          resolvePromise(address);
        });
      }),
    close: () =>
      new Promise((resolvePromise) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
