import { JOB_ERROR_CODES, type JobErrorCode } from '../contracts/job';

export interface ProviderErrorOptions {
  provider: string;
  retryable: boolean;
  /** From Retry-After: when the provider says it will accept the next call. */
  retryAfterMs?: number;
  status?: number;
}

/** A provider call failed, classified where it happened so the workflow can retry, fall back or give up. */
export class ProviderError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;

  constructor(
    readonly code: JobErrorCode,
    message: string,
    options: ProviderErrorOptions,
  ) {
    super(message);
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps an HTTP answer from any provider onto Voxflow's error codes and retryability. */
export function classifyHttpFailure(
  provider: string,
  status: number,
  detail: string,
  retryAfter?: string | null,
): ProviderError {
  const message = `${provider} answered ${status}: ${detail}`.slice(0, 500);
  const options = { provider, status };
  if (status === 401 || status === 403) {
    return new ProviderError(JOB_ERROR_CODES.providerAuth, message, { ...options, retryable: false });
  }
  if (status === 429) {
    return new ProviderError(JOB_ERROR_CODES.providerRateLimited, message, {
      ...options,
      retryable: true,
      retryAfterMs: parseRetryAfter(retryAfter),
    });
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new ProviderError(JOB_ERROR_CODES.providerUnavailable, message, {
      ...options,
      retryable: true,
      retryAfterMs: parseRetryAfter(retryAfter),
    });
  }
  if (/language/i.test(detail)) {
    return new ProviderError(JOB_ERROR_CODES.unsupportedLanguage, message, { ...options, retryable: false });
  }
  return new ProviderError(JOB_ERROR_CODES.providerRejected, message, { ...options, retryable: false });
}

/** A call that never got an HTTP answer (refused, reset, timed out) is worth retrying. */
export function networkFailure(provider: string, error: unknown): ProviderError {
  // SDKs wrap the socket error ("Connection error." → "fetch failed" → ECONNREFUSED): name the root cause.
  let root = error as { cause?: unknown; code?: string; message?: string } | undefined;
  while (root?.cause && typeof root.cause === 'object') root = root.cause;
  const base = error instanceof Error ? error.message : String(error);
  const rootText = root && root !== error ? [root.code, root.message].filter(Boolean).join(': ') : '';
  const detail = rootText ? `${base} (${rootText})` : base;
  return new ProviderError(JOB_ERROR_CODES.providerUnavailable, `${provider} unreachable: ${detail}`, {
    provider,
    retryable: true,
  });
}
