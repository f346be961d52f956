import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { APP_CONFIG, type AppConfig } from '../../../libs/config';
import { temporalConnectionOptions } from '../../../libs/temporal/connection-options';
import { startTracing, type Tracing } from '../../../libs/tracing/tracing';

/**
 * A connection for readiness probes only. It has no retry interceptor: a probe should answer once and
 * fast, and the SDK's retry timers outlive `close()` (a late retry then throws "Channel has been shut down").
 */
export const TEMPORAL_PROBE_CONNECTION = Symbol('TEMPORAL_PROBE_CONNECTION');

/** Tracing of job starts (OTEL_EXPORTER_OTLP_ENDPOINT), or undefined when it is off. */
const TRACING = Symbol('TRACING');

@Injectable()
class TemporalConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(Client) private readonly client: Client,
    @Inject(TEMPORAL_PROBE_CONNECTION) private readonly probe: Connection,
    @Inject(TRACING) private readonly tracing: Tracing | undefined,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client.connection.close(), this.probe.close(), this.tracing?.shutdown()]);
  }
}

/**
 * Provides the Temporal `Client`. Connections are lazy, so the API starts (and reports not-ready on
 * /health/ready) while Temporal is still coming up, rather than crash-looping.
 */
@Global()
@Module({
  providers: [
    { provide: TRACING, inject: [APP_CONFIG], useFactory: (config: AppConfig) => startTracing(config, 'voxflow-api') },
    {
      provide: Client,
      inject: [APP_CONFIG, TRACING],
      useFactory: (config: AppConfig, tracing: Tracing | undefined) =>
        new Client({
          connection: Connection.lazy(temporalConnectionOptions(config)),
          namespace: config.temporal.namespace,
          plugins: tracing ? [tracing.plugin] : [],
        }),
    },
    {
      provide: TEMPORAL_PROBE_CONNECTION,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => Connection.lazy({ ...temporalConnectionOptions(config), interceptors: [] }),
    },
    TemporalConnectionsCloser,
  ],
  exports: [Client, TEMPORAL_PROBE_CONNECTION],
})
export class TemporalClientModule {}
