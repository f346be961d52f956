import { Module } from '@nestjs/common';
import { QuotasController, UsageController } from './usage.controller';

@Module({ controllers: [UsageController, QuotasController] })
export class UsageModule {}
