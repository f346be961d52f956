import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { APP_CONFIG, type AppConfig } from '../config';
import { startTracing, type Tracing } from '../tracing/tracing';
import { temporalConnectionOptions } from './connection-options';

/**
 * A connection for readiness probes only. It has no retry interceptor: a probe should answer once and
 * fast, and the SDK's retry timers outlive `close()` (a late retry then throws "Channel has been shut down").
 */
export const TEMPORAL_PROBE_CONNECTION = Symbol('TEMPORAL_PROBE_CONNECTION');

/** The process's tracing (OTEL_EXPORTER_OTLP_ENDPOINT), or undefined when it is off. */
export const TRACING = Symbol('TRACING');

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
 * The Temporal `Client` and the process's tracing, named for the service. Connections are lazy, so a process
 * starts (and reports not-ready) while Temporal is still coming up, rather than crash-looping.
 */
@Module({})
export class TemporalClientModule {
  static register(serviceName: string): DynamicModule {
    return {
      module: TemporalClientModule,
      global: true,
      providers: [
        {
          provide: TRACING,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => startTracing(config, serviceName),
        },
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
          useFactory: (config: AppConfig) =>
            Connection.lazy({ ...temporalConnectionOptions(config), interceptors: [] }),
        },
        TemporalConnectionsCloser,
      ],
      exports: [Client, TEMPORAL_PROBE_CONNECTION, TRACING],
    };
  }
}
