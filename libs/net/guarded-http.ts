import axios, { type AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { type OutboundPolicy, OutboundRefusedError } from './outbound-policy';

export interface GuardedRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Until the response headers arrive (and between socket reads). */
  timeoutMs: number;
  /** Redirects followed for GET (each hop re-checked); POST never follows. Default 5. */
  maxRedirects?: number;
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** The URL that answered, after redirects. */
  url: string;
  body: Readable;
}

const USER_AGENT = 'Voxflow/0.1 (+https://github.com/voxflow)';

/**
 * HTTP for URLs that users supply. Every hop's URL is checked by the OutboundPolicy, and the agents
 * resolve names through the policy's lookup, so the socket itself never opens to a forbidden address.
 */
export class GuardedHttpClient {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(readonly policy: OutboundPolicy) {
    this.httpAgent = new HttpAgent({ keepAlive: true, lookup: policy.lookup });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, lookup: policy.lookup });
  }

  async request(request: GuardedRequest): Promise<GuardedResponse> {
    const method = request.method ?? 'GET';
    const maxRedirects = method === 'GET' ? (request.maxRedirects ?? 5) : 0;
    let url = this.policy.assertUrlAllowed(request.url);
    for (let hop = 0; ; hop++) {
      const response = await this.send(url, method, request);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location && maxRedirects > 0) {
        response.data.destroy();
        if (hop >= maxRedirects) throw new OutboundRefusedError(`more than ${maxRedirects} redirects`);
        url = this.policy.assertUrlAllowed(new URL(String(location), url));
        continue;
      }
      return {
        status: response.status,
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [
            name.toLowerCase(),
            value == null ? undefined : String(value),
          ]),
        ),
        url: url.toString(),
        body: response.data,
      };
    }
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async send(url: URL, method: 'GET' | 'POST', request: GuardedRequest): Promise<AxiosResponse<Readable>> {
    try {
      return await axios.request<Readable>({
        url: url.toString(),
        method,
        headers: { 'user-agent': USER_AGENT, ...request.headers },
        data: request.body,
        responseType: 'stream',
        maxRedirects: 0,
        validateStatus: () => true,
        timeout: request.timeoutMs,
        signal: request.signal,
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        proxy: false,
        decompress: false,
      });
    } catch (error) {
      // axios wraps the lookup's refusal; surface it as such so callers can classify it.
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof OutboundRefusedError) throw cause;
      throw error;
    }
  }
}
