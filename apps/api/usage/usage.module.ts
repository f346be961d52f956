import { Module } from '@nestjs/common';
import { AdminSummaryController } from './admin-summary.controller';
import { QuotasController, UsageController } from './usage.controller';

@Module({ controllers: [UsageController, QuotasController, AdminSummaryController] })
export class UsageModule {}
