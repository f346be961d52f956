import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckAttempt } from '@nestjs/terminus';
import { access, constants } from 'node:fs/promises';
import { InjectConfig, type AppConfig } from '../../../libs/config';

@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Up when the media directory exists and this process may write to it. */
  check<const Key extends string>(key: Key, timeoutMs: number): HealthCheckAttempt<Key> {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await access(this.config.storage.dir, constants.W_OK);
      })
      .withTimeout(timeoutMs);
  }
}
