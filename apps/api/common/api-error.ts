import { HttpException, type HttpStatus } from '@nestjs/common';

/** Error codes for each status the API answers with. */
export const ERROR_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'provider_error',
  503: 'unavailable',
};

export interface ErrorDetail {
  field?: string;
  message: string;
}

/** An API error with a stable code: `{error: {code, message, details?}}`. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    message: string,
    readonly code = ERROR_CODES[status] ?? 'error',
    readonly details?: ErrorDetail[] | Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: { code, message, ...(details ? { details } : {}) } }, status);
  }
}
