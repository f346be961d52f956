import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Scope } from '../../../libs/auth/scopes';

export interface AuthenticatedTenant {
  id: string;
  /** What the presented key may do. */
  scopes: Scope[];
}

export type AuthenticatedRequest = Request & { tenant?: AuthenticatedTenant };

/** The tenant of the API key that authenticated this request (set by ApiKeyGuard). */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedTenant => {
  const tenant = context.switchToHttp().getRequest<AuthenticatedRequest>().tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without ApiKeyGuard');
  return tenant;
});
