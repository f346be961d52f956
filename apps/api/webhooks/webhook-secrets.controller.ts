import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SECRET_ROTATION_GRACE_MS, WebhookSecretsRepository } from '../../../libs/db/webhook-secrets.repository';
import { newWebhookSecret } from '../../../libs/webhooks/webhook-signature';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { RequireScope } from '../auth/require-scope.decorator';

@ApiTags('webhooks')
@ApiSecurity('api-key')
@Controller('webhooks/secret')
export class WebhookSecretsController {
  constructor(private readonly secrets: WebhookSecretsRepository) {}

  @Get()
  @RequireScope('admin')
  @ApiOperation({ summary: "The tenant's Standard Webhooks secret (whsec_…), and the previous one during a rotation." })
  async get(@CurrentTenant() tenant: AuthenticatedTenant) {
    const [secret, previous] = await this.secrets.signingSecrets(tenant.id);
    return { secret: secret ?? null, previous: previous ?? null };
  }

  @Post('rotate')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new secret; the old one keeps signing (both signatures are sent) for 24 hours.' })
  async rotate(@CurrentTenant() tenant: AuthenticatedTenant) {
    await this.secrets.rotate(tenant.id, newWebhookSecret());
    const [secret, previous] = await this.secrets.signingSecrets(tenant.id);
    return {
      secret,
      previous: previous ?? null,
      previous_valid_until: previous ? new Date(Date.now() + SECRET_ROTATION_GRACE_MS).toISOString() : null,
    };
  }
}
