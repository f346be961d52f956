import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { JobsRepository } from '../../../libs/db/jobs.repository';
import { WebhooksRepository } from '../../../libs/db/webhooks.repository';
import { operationsSummary } from '../../../libs/jobs/operations-summary';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { RequireScope } from '../auth/require-scope.decorator';

@ApiTags('usage')
@ApiSecurity('api-key')
@Controller('admin')
export class AdminSummaryController {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly webhooks: WebhooksRepository,
  ) {}

  /** The tenant's own figures; the operator's, across tenants, are on the worker's metrics port (/summary). */
  @Get('summary')
  @RequireScope('admin')
  @ApiOperation({
    summary:
      "The tenant's queue depth, jobs queued and processing, jobs completed, failed and cancelled in the last hour, " +
      'webhook delivery failures and job errors by code in the last hour.',
  })
  summary(@CurrentTenant() tenant: AuthenticatedTenant) {
    return operationsSummary({ jobs: this.jobs, webhooks: this.webhooks }, tenant.id);
  }
}
