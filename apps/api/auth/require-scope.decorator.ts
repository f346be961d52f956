import { SetMetadata } from '@nestjs/common';
import type { Scope } from '../../../libs/auth/scopes';

export const REQUIRED_SCOPE = 'voxflow:required-scope';

/** The scope a key needs for this route (or every route of this controller). Every authenticated route names one. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);
