import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hashApiKey } from '../../../libs/auth/api-key';
import type { Scope } from '../../../libs/auth/scopes';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import { ApiError } from '../common/api-error';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ApiKeyResolver } from './api-key.resolver';
import type { AuthenticatedRequest } from './current-tenant.decorator';
import { JWT_PATTERN, JwtRefusedError, JwtVerifier } from './jwt-verifier';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE } from './require-scope.decorator';

/** Who a request is from: its tenant, what it may do, and what its rate limit is counted by. */
interface Caller {
  tenantId: string;
  scopes: Scope[];
  rateKey: string;
}

/** Failed authentications allowed per client address per minute, against key guessing. */
const FAILED_AUTH_PER_MINUTE = 20;

/** Reads `x-api-key` or `Authorization: Bearer`. */
export function presentedKey(request: AuthenticatedRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Authenticates every route not marked @Public: an API key whose hash belongs to a tenant (not revoked or
 * expired), or a sign-in JWT (JwtVerifier), that holds the route's scope. Then applies the rate limit per key or
 * per signed-in user. Failures are rate limited per client address, so credentials cannot be guessed quickly.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyResolver,
    private readonly jwt: JwtVerifier,
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: AppConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Socket connections authenticate once, in their gateway's handshake; this guard is for HTTP.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (!scope) throw new Error(`${context.getClass().name}.${context.getHandler().name} names no scope`);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.identify(presentedKey(request)).catch(async (error: unknown) => {
      this.metrics.authFailures.inc({ surface: 'http' });
      const decision = await this.limiter.hit(`auth-fail:${request.ip ?? 'unknown'}`, FAILED_AUTH_PER_MINUTE, 60_000);
      if (!decision.allowed) throw this.tooMany(decision.retryAfterMs, 'Too many failed authentication attempts.');
      throw error;
    });
    if (!caller.scopes.includes(scope)) {
      throw new ApiError(HttpStatus.FORBIDDEN, `This key or token lacks the "${scope}" scope.`, 'insufficient_scope');
    }
    const decision = await this.limiter.hit(caller.rateKey, this.config.http.rateLimitPerMinute, 60_000);
    if (!decision.allowed) throw this.tooMany(decision.retryAfterMs, 'Rate limit exceeded for this API key.');
    request.tenant = { id: caller.tenantId, scopes: caller.scopes };
    return true;
  }

  /** The caller a credential names, or a 401 saying why not. */
  private async identify(credential: string | undefined): Promise<Caller> {
    if (!credential) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'An API key is required: send it as x-api-key or Authorization: Bearer (a sign-in JWT too, where configured).',
      );
    }
    if (this.jwt.configured && JWT_PATTERN.test(credential)) {
      try {
        const grant = await this.jwt.verify(credential);
        return { ...grant, rateKey: `user:${grant.tenantId}:${grant.userId}` };
      } catch (error) {
        if (error instanceof JwtRefusedError) throw new ApiError(HttpStatus.UNAUTHORIZED, error.message);
        throw error;
      }
    }
    const grant = await this.keys.grantOf(credential);
    if (!grant) throw new ApiError(HttpStatus.UNAUTHORIZED, 'The API key is not valid.');
    return { tenantId: grant.tenantId, scopes: grant.scopes, rateKey: `key:${hashApiKey(credential)}` };
  }

  private tooMany(retryAfterMs: number, message: string): ApiError {
    const retryAfterS = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    return new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      message,
      'rate_limited',
      { retry_after_s: Number(retryAfterS) },
      {
        'retry-after': retryAfterS,
      },
    );
  }
}
