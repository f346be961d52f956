import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { StorageHealthIndicator } from './storage.health';
import { TemporalHealthIndicator } from './temporal.health';

const CHECK_TIMEOUT_MS = 1_500;

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongodb: MongooseHealthIndicator,
    private readonly temporal: TemporalHealthIndicator,
    private readonly storage: StorageHealthIndicator,
  ) {}

  /** Liveness: the process serves HTTP. Dependencies are deliberately not checked here. */
  @Get()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: 503 naming each failing dependency. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.mongodb.pingCheck('mongodb').withTimeout(CHECK_TIMEOUT_MS),
      () => this.temporal.check('temporal', CHECK_TIMEOUT_MS),
      () => this.storage.check('storage', CHECK_TIMEOUT_MS),
    ]);
  }
}
