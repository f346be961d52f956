import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface AuthenticatedTenant {
  id: string;
}

export type AuthenticatedRequest = Request & { tenant?: AuthenticatedTenant };

/** The tenant of the API key that authenticated this request (set by ApiKeyGuard). */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedTenant => {
  const tenant = context.switchToHttp().getRequest<AuthenticatedRequest>().tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without ApiKeyGuard');
  return tenant;
});
