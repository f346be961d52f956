import { Module } from '@nestjs/common';
import { WebhookSecretsController } from './webhook-secrets.controller';

@Module({ controllers: [WebhookSecretsController] })
export class WebhooksModule {}
