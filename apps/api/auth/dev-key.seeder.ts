import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { ApiKeysService } from '../../../libs/auth/api-keys.service';
import { TenantsRepository } from '../../../libs/db/tenants.repository';
import { WebhookSecretsRepository } from '../../../libs/db/webhook-secrets.repository';
import { TenantProvisioner } from '../../../libs/tenants/tenant-provisioner';

/** Outside production, VOXFLOW_DEV_API_KEY becomes a working key of the tenant "dev" (idempotent). */
@Injectable()
export class DevKeySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DevKeySeeder.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
    private readonly keys: ApiKeysService,
    private readonly secrets: WebhookSecretsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.devApiKey) return;
    await new TenantProvisioner(this.tenants, this.keys, this.secrets).createKey(
      'dev',
      { label: 'VOXFLOW_DEV_API_KEY' },
      this.config.devApiKey,
    );
    this.logger.log('development API key seeded for tenant "dev"');
  }
}
