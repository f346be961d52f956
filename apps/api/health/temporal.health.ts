import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckAttempt } from '@nestjs/terminus';
import { Connection } from '@temporalio/client';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { TEMPORAL_PROBE_CONNECTION } from '../../../libs/temporal/temporal-client.module';

@Injectable()
export class TemporalHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(TEMPORAL_PROBE_CONNECTION) private readonly connection: Connection,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Up when the frontend answers for our namespace (which also proves the namespace exists). */
  check<const Key extends string>(key: Key, timeoutMs: number): HealthCheckAttempt<Key> {
    const { namespace } = this.config.temporal;
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.connection.withDeadline(Date.now() + timeoutMs, () =>
          this.connection.workflowService.describeNamespace({ namespace }),
        );
        return { namespace };
      })
      .withTimeout(timeoutMs);
  }
}
