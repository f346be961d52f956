import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DOMAIN_ERROR_STATUS } from '../../../libs/errors/domain-error';
import { ApiError, ERROR_CODES } from './api-error';

/**
 * Every error leaves the API as `{error: {code, message, details?}}` with the right status; unexpected
 * errors are logged in full and answered with a generic 500 (no stack traces or internals to clients).
 */
function isHealthCheckResult(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'status' in body && 'details' in body && 'info' in body;
}

/** Nest's error bodies carry `message` as a string or, from validation, a list of strings. */
function messageOf(body: object, fallback: string): string {
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return fallback;
}

const BODY_ERRORS: Record<number, string> = {
  400: 'The request body is not valid JSON.',
  413: 'The request body is too large.',
  415: 'The request body is in an unsupported encoding.',
};

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    if (response.headersSent) return;

    if (exception instanceof ApiError) {
      for (const [name, value] of Object.entries(exception.headers)) response.setHeader(name, value);
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    if (exception instanceof DomainError) {
      const { kind, code, message, details, retryAfterSeconds } = exception;
      if (retryAfterSeconds !== undefined) response.setHeader('retry-after', String(retryAfterSeconds));
      response.status(DOMAIN_ERROR_STATUS[kind]).json({ error: { code, message, ...(details ? { details } : {}) } });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Health checks answer with Terminus's own documented body ({status, info, error, details}).
      if (isHealthCheckResult(body)) {
        response.status(status).json(body);
        return;
      }
      // Nest wraps some errors (body-parser's, say) whose message is internal text: those get ours.
      const message =
        exception.cause instanceof Error
          ? (BODY_ERRORS[status] ?? BODY_ERRORS[400]!)
          : typeof body === 'string'
            ? body
            : messageOf(body, exception.message);
      response.status(status).json({ error: { code: ERROR_CODES[status] ?? 'error', message } });
      return;
    }
    // body-parser errors carry a status of their own (malformed JSON → 400, too large → 413); their text is the
    // parser's, so clients get a sentence of ours.
    const status = (exception as { status?: number; type?: string }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      this.logger.warn({ err: exception, path: request.url }, 'request body refused');
      response.status(status).json({
        error: { code: ERROR_CODES[status] ?? 'invalid_request', message: BODY_ERRORS[status] ?? BODY_ERRORS[400] },
      });
      return;
    }
    this.logger.error({ err: exception, path: request.url }, 'unhandled error');
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  }
}
