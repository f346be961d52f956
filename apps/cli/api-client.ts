import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';

/** Multipart fields are text: lists comma-separated, objects as JSON. */
function formValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** A failed API call, carrying the API's own error code and message for the user. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CliContext {
  /** VOXFLOW_API_URL, default http://127.0.0.1:3000 */
  apiUrl: string;
  /** VOXFLOW_API_KEY or --key */
  apiKey?: string;
}

/** The few HTTP calls the CLI makes. Errors surface the API's `{error: {code, message}}`. */
export class ApiClient {
  constructor(private readonly context: CliContext) {}

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.raw(path, init);
    return (await response.json()) as T;
  }

  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    if (!this.context.apiKey)
      throw new ApiCallError(0, 'no_key', 'Set VOXFLOW_API_KEY (or pass --key) to call the API.');
    const headers = new Headers(init.headers);
    headers.set('x-api-key', this.context.apiKey);
    let response: Response;
    try {
      response = await fetch(`${this.context.apiUrl}${path}`, { ...init, headers });
    } catch (error) {
      throw new ApiCallError(
        0,
        'unreachable',
        `Cannot reach the API at ${this.context.apiUrl}: ${(error as Error).message}`,
      );
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => undefined)) as
        { error?: { code?: string; message?: string } } | undefined;
      throw new ApiCallError(
        response.status,
        body?.error?.code ?? 'error',
        body?.error?.message ?? `HTTP ${response.status}`,
      );
    }
    return response;
  }

  /** Submits a URL as JSON, or a local file as a streamed multipart upload (the file is not read into memory). */
  async submit(source: string, fields: Record<string, unknown>, idempotencyKey?: string): Promise<{ id: string }> {
    const headers: Record<string, string> = idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
    if (/^https?:\/\//i.test(source)) {
      return this.json('/v1/jobs', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ audio_url: source, ...fields }),
      });
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      form.append(name, formValue(value));
    }
    form.append('file', await openAsBlob(source), basename(source));
    return this.json('/v1/jobs', { method: 'POST', headers, body: form });
  }
}
