/**
 * Why a service refused: the API answers each kind with its HTTP status (ApiExceptionFilter), so services
 * state the rule and never speak HTTP.
 */
export const DOMAIN_ERROR_STATUS = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  limited: 429,
  unavailable: 503,
} as const;

export type DomainErrorKind = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** The stable code clients branch on; the kind itself unless a rule names a finer one. */
    readonly code: string = kind,
    readonly details?: Record<string, unknown>,
    /** For `unavailable` and `limited`: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
