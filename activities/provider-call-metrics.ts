import type { WorkerMetrics } from '../libs/metrics/worker-metrics';
import { ProviderError } from '../libs/providers/provider-error';

/** Counts one provider call by outcome: `ok`, or the error code it was classified as. */
export async function countedProviderCall<T>(
  metrics: WorkerMetrics,
  labels: { provider: string; operation: 'transcribe' | 'translate' },
  call: () => Promise<T>,
): Promise<T> {
  try {
    const result = await call();
    metrics.providerCalls.inc({ ...labels, outcome: 'ok' });
    return result;
  } catch (error) {
    metrics.providerCalls.inc({ ...labels, outcome: error instanceof ProviderError ? error.code : 'error' });
    throw error;
  }
}
