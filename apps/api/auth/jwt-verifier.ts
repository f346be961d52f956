import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isScope, type Scope } from '../../../libs/auth/scopes';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { TenantsRepository } from '../../../libs/db/tenants.repository';

/** What a JWT without Voxflow scopes may do: live captions, as sign-in tokens always could. */
const LIVE_SCOPES: Scope[] = ['live:speak', 'live:watch'];
/** How long a tenant a token named is known to exist (tenants are not deleted while serving). */
const TENANT_TTL_MS = 60_000;
const TENANT_CACHE_MAX = 10_000;

/** Three base64url parts: what could be a JWT, as opposed to an API key or a viewer token. */
export const JWT_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** Why a JWT was refused, in words for the client. */
export class JwtRefusedError extends Error {
  constructor(
    readonly code: 'auth_invalid' | 'auth_expired',
    message: string,
  ) {
    super(message);
  }
}

export interface JwtGrant {
  tenantId: string;
  /** The token's `sub`. */
  userId: string;
  scopes: Scope[];
}

/**
 * Verifies sign-in JWTs, for HTTP and live captions alike, when AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE
 * are set: RS256 against the JWKS, issuer, audience and expiry enforced. The tenant is the AUTH_TENANT_CLAIM
 * claim (or AUTH_DEFAULT_TENANT) and must exist; the scopes are the Voxflow scopes in AUTH_SCOPES_CLAIM, or the
 * live ones when it holds none.
 */
@Injectable()
export class JwtVerifier {
  private readonly jwks?: JWTVerifyGetKey;
  /** Tenant ids (and the default tenant's name) known to exist, each until when. */
  private readonly knownTenants = new Map<string, { id: string; until: number }>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
  ) {
    if (config.jwt) this.jwks = createRemoteJWKSet(new URL(config.jwt.jwksUrl), { cooldownDuration: 30_000 });
  }

  get configured(): boolean {
    return this.jwks !== undefined;
  }

  async verify(token: string): Promise<JwtGrant> {
    const settings = this.config.jwt;
    if (!this.jwks || !settings) throw new JwtRefusedError('auth_invalid', 'JWT sign-in is not configured.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256'],
      }));
    } catch (error) {
      throw jwtRefusal(error);
    }
    const claimed = payload[settings.tenantClaim];
    const tenant = typeof claimed === 'string' && claimed ? claimed : settings.defaultTenant;
    if (!tenant || !payload.sub)
      throw new JwtRefusedError('auth_invalid', `The token lacks the "${settings.tenantClaim}" or "sub" claim.`);
    const tenantId = await this.tenantIdOf(tenant, tenant === settings.defaultTenant);
    if (!tenantId) throw new JwtRefusedError('auth_invalid', "The token's tenant is not known here.");
    return { tenantId, userId: payload.sub, scopes: scopesOf(payload[settings.scopesClaim]) };
  }

  /** The id of an existing tenant named by its id (a claim) or, for the configured default, its id or name. */
  private async tenantIdOf(tenant: string, byName: boolean): Promise<string | undefined> {
    const now = Date.now();
    const known = this.knownTenants.get(tenant);
    if (known && known.until > now) return known.id;
    const found = (await this.tenants.findById(tenant)) ?? (byName ? await this.tenants.findByName(tenant) : undefined);
    if (!found) return undefined;
    if (this.knownTenants.size >= TENANT_CACHE_MAX) this.knownTenants.clear();
    this.knownTenants.set(tenant, { id: found.id, until: now + TENANT_TTL_MS });
    return found.id;
  }
}

/** The Voxflow scopes in a claim: a space-separated string (OAuth `scope`) or a list (Auth0 `permissions`). */
function scopesOf(claim: unknown): Scope[] {
  const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
  const scopes = values.filter(isScope);
  return scopes.length > 0 ? [...new Set(scopes)] : LIVE_SCOPES;
}

/** What jose's error means, in words for the client. */
function jwtRefusal(error: unknown): JwtRefusedError {
  if (error instanceof joseErrors.JWTExpired) return new JwtRefusedError('auth_expired', 'The token has expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return new JwtRefusedError('auth_invalid', `The token's "${error.claim}" claim is not accepted.`);
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return new JwtRefusedError('auth_invalid', 'The token was signed with an unknown key.');
  return new JwtRefusedError('auth_invalid', 'The token is not valid.');
}
