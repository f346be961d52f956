import { HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hashApiKey } from '../../../libs/auth/api-key';
import type { Scope } from '../../../libs/auth/scopes';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { ApiError } from '../common/api-error';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ApiKeyResolver } from './api-key.resolver';
import type { AuthenticatedRequest } from './current-tenant.decorator';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE } from './require-scope.decorator';

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
 * Authenticates every route not marked @Public: the key's hash must belong to a tenant (not revoked or
 * expired), and the key must hold the route's scope. Then applies the per-key rate limit. Failures are rate
 * limited per client address, so keys cannot be guessed quickly.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyResolver,
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Socket connections authenticate once, in their gateway's handshake; this guard is for HTTP.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (!scope) throw new Error(`${context.getClass().name}.${context.getHandler().name} names no scope`);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request);
    const grant = key ? await this.keys.grantOf(key) : undefined;
    if (!key || !grant) {
      const decision = await this.limiter.hit(`auth-fail:${request.ip ?? 'unknown'}`, FAILED_AUTH_PER_MINUTE, 60_000);
      if (!decision.allowed) throw this.tooMany(decision.retryAfterMs, 'Too many failed authentication attempts.');
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        key ? 'The API key is not valid.' : 'An API key is required: send it as x-api-key or Authorization: Bearer.',
      );
    }
    if (!grant.scopes.includes(scope)) {
      throw new ApiError(HttpStatus.FORBIDDEN, `This key lacks the "${scope}" scope.`, 'insufficient_scope');
    }
    const decision = await this.limiter.hit(`key:${hashApiKey(key)}`, this.config.http.rateLimitPerMinute, 60_000);
    if (!decision.allowed) throw this.tooMany(decision.retryAfterMs, 'Rate limit exceeded for this API key.');
    request.tenant = { id: grant.tenantId, scopes: grant.scopes };
    return true;
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
