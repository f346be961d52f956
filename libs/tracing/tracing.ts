import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { AppConfig } from '../config';

/** The workflow-side interceptors module, bundled into the traced workflow bundle. */
export const WORKFLOW_TRACING_INTERCEPTORS =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface Tracing {
  /** Adds Temporal's OpenTelemetry interceptors to a Client or Worker: API → workflow → activities, one trace. */
  plugin: OpenTelemetryPlugin;
  /** Flushes the spans still buffered; call on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Tracing to an OTLP/HTTP collector, or undefined (nothing set up, nothing exported) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is unset.
 */
export function startTracing(config: Pick<AppConfig, 'otlpEndpoint'>, serviceName: string): Tracing | undefined {
  if (!config.otlpEndpoint) return undefined;
  const resource = new Resource({ 'service.name': serviceName, 'service.namespace': 'voxflow' });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }), {
    scheduledDelayMillis: 1_000,
  });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Installs the W3C propagator and async context manager that carry the trace through Temporal headers.
  provider.register();
  return {
    plugin: new OpenTelemetryPlugin({ resource, spanProcessor, tracer: provider.getTracer('voxflow') }),
    shutdown: () => provider.shutdown(),
  };
}
