import { Injectable } from '@nestjs/common';
import { API_KEY_PATTERN, apiKeyPrefix, VIEWER_TOKEN_PATTERN } from '../../../libs/auth/api-key';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import type { Scope } from '../../../libs/auth/scopes';
import type { LiveAuthType } from '../../../libs/db/live-session.schema';
import { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import type { Socket } from 'socket.io';
import { ApiKeyResolver } from '../auth/api-key.resolver';
import { JwtRefusedError, JwtVerifier } from '../auth/jwt-verifier';
import { RateLimiter } from '../rate-limit/rate-limiter';

export interface LiveIdentity {
  tenantId: string;
  userId: string;
  authType: LiveAuthType;
  /** What the connection may do: an API key's or a JWT's scopes; a viewer token's, watch. */
  scopes: Scope[];
  /** A viewer token's limits: the one session it may watch, until when. */
  viewer?: { sessionId: string; expiresAt: Date };
}

type Handshake = Socket['handshake'];

/** Failed handshakes allowed per client address per minute, on every live namespace together. */
const FAILED_AUTH_PER_MINUTE = 20;

/** Why a token was refused, as the `error` event's code and message. */
export class LiveAuthError extends Error {
  constructor(
    readonly code: 'auth_required' | 'auth_invalid' | 'auth_expired' | 'insufficient_scope' | 'rate_limited',
    message: string,
  ) {
    super(message);
  }
}

/** What a connection that failed authentication is told (never an internal error's text). */
export const refusalOf = (error: unknown): LiveAuthError =>
  error instanceof LiveAuthError ? error : new LiveAuthError('auth_invalid', 'Authentication failed.');

/**
 * Authenticates a captions connection: a Voxflow API key, a session's viewer token (watch that session only),
 * or a sign-in JWT (JwtVerifier; `sub` is the user).
 */
@Injectable()
export class LiveAuthenticator {
  constructor(
    private readonly keys: ApiKeyResolver,
    private readonly sessions: LiveSessionsService,
    private readonly limiter: RateLimiter,
    private readonly jwt: JwtVerifier,
    private readonly metrics: ApiMetrics,
  ) {}

  /**
   * The identity of a connection's handshake, if it may do what `scope` allows. Failed handshakes are counted per
   * client address, and past FAILED_AUTH_PER_MINUTE refused as `rate_limited` before any lookup, so tokens cannot
   * be guessed quickly on any namespace.
   */
  async authenticateHandshake(handshake: Handshake, scope: Scope): Promise<LiveIdentity> {
    const failures = `live-auth-fail:${handshake.address}`;
    try {
      return await this.authenticate((handshake.auth as { token?: unknown } | undefined)?.token, scope);
    } catch (error) {
      this.metrics.authFailures.inc({ surface: 'live' });
      const decision = await this.limiter.hit(failures, FAILED_AUTH_PER_MINUTE, 60_000);
      if (!decision.allowed) throw new LiveAuthError('rate_limited', 'Too many failed authentication attempts.');
      throw refusalOf(error);
    }
  }

  /** The connection's identity, if it may do what `scope` allows. */
  private async authenticate(token: unknown, scope: Scope): Promise<LiveIdentity> {
    const identity = await this.identify(token);
    if (!identity.scopes.includes(scope))
      throw new LiveAuthError('insufficient_scope', `This key or token lacks the "${scope}" scope.`);
    return identity;
  }

  private async identify(token: unknown): Promise<LiveIdentity> {
    if (typeof token !== 'string' || token.length === 0)
      throw new LiveAuthError('auth_required', 'Send a token in the handshake: auth: {token}.');
    if (API_KEY_PATTERN.test(token)) {
      const grant = await this.keys.grantOf(token);
      if (!grant) throw new LiveAuthError('auth_invalid', 'The API key is not valid.');
      return {
        tenantId: grant.tenantId,
        userId: `key:${apiKeyPrefix(token)}`,
        authType: 'api_key',
        scopes: grant.scopes,
      };
    }
    if (VIEWER_TOKEN_PATTERN.test(token)) {
      const grant = await this.sessions.viewerGrant(token);
      if (!grant) throw new LiveAuthError('auth_invalid', 'The viewer token is not valid, or has expired.');
      return {
        tenantId: grant.tenantId,
        userId: `viewer:${apiKeyPrefix(token)}`,
        authType: 'viewer_token',
        scopes: ['live:watch'],
        viewer: { sessionId: grant.sessionId, expiresAt: grant.expiresAt },
      };
    }
    if (!this.jwt.configured)
      throw new LiveAuthError('auth_invalid', 'The token is not a valid API key (JWT sign-in is not configured).');
    try {
      const { tenantId, userId, scopes } = await this.jwt.verify(token);
      return { tenantId, userId, authType: 'jwt', scopes };
    } catch (error) {
      if (error instanceof JwtRefusedError) throw new LiveAuthError(error.code, error.message);
      throw error;
    }
  }
}
