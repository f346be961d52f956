import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, keyView, type IssuedKey } from '../../../libs/auth/api-keys.service';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { CreateKeyDto } from './create-key.dto';

/** A key just issued: its listing view and, this once, the secret. */
const issuedView = ({ key, record }: IssuedKey) => ({ ...keyView(record), key });

@ApiTags('keys')
@ApiSecurity('api-key')
@RequireScope('admin')
@Controller('keys')
export class KeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Issue an API key with scopes and an optional expiry; the key is shown only in this answer.',
  })
  async create(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: CreateKeyDto) {
    const expiresAt = body.expires_at ? new Date(body.expires_at) : undefined;
    return issuedView(await this.keys.issue(tenant.id, { label: body.label, scopes: body.scopes, expiresAt }));
  }

  @Get()
  @ApiOperation({ summary: "The tenant's keys (prefixes only), newest first, with when each was last used." })
  async list(@CurrentTenant() tenant: AuthenticatedTenant) {
    return { data: await this.keys.list(tenant.id) };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key: every API instance refuses it within 5 seconds.' })
  async revoke(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    await this.keys.revoke(tenant.id, id);
    return { id, revoked: true };
  }

  @Post(':id/rotate')
  @ApiOperation({ summary: 'A new key with the same label, scopes and expiry; the old one is revoked.' })
  async rotate(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    return issuedView(await this.keys.rotate(tenant.id, id));
  }
}
