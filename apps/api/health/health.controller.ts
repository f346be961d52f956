import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { buildInfo } from '../../../libs/config/build-info';
import { Public } from '../auth/public.decorator';
import { RedisHealthIndicator } from './redis.health';
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
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** Liveness: the process serves HTTP, and which release it runs. Dependencies are deliberately not checked here. */
  @Get()
  live() {
    return { status: 'ok', ...buildInfo('voxflow-api') };
  }

  /** Readiness: 503 naming each failing dependency. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.mongodb.pingCheck('mongodb').withTimeout(CHECK_TIMEOUT_MS),
      () => this.temporal.check('temporal', CHECK_TIMEOUT_MS),
      () => this.storage.check('storage', CHECK_TIMEOUT_MS),
      ...(this.redis.configured ? [() => this.redis.check('redis', CHECK_TIMEOUT_MS)] : []),
    ]);
  }
}
