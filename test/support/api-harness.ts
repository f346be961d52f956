import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApi } from '../../apps/api/create-api';
import { createLogger, type Logger } from '../../libs/logging';
import type { ProvisionedKey } from '../../libs/tenants/tenant-provisioner';
import { startPipelineHarness, type PipelineHarness } from './pipeline-harness';

export interface ApiHarness extends PipelineHarness {
  baseUrl: string;
  app: INestApplication;
  /** A new tenant with a fresh API key and webhook secret. */
  tenant(): Promise<ProvisionedKey>;
  /** fetch against the API with a key (or none). */
  call(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
}

/** The real API listening on a port, with the worker and the provider simulator behind it. */
export async function startApiHarness(
  overrides: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<ApiHarness> {
  const pipeline = await startPipelineHarness(overrides);
  const app = await createApi(pipeline.config, options.logger ?? createLogger('api-test', 'silent'));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    ...pipeline,
    baseUrl,
    app,
    tenant: () => pipeline.createApiKey(),
    call: (path, init = {}) => {
      const { key, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('x-api-key', key);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${baseUrl}${path}`, {
        ...rest,
        headers,
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      });
    },
    close: async () => {
      await app.close();
      await pipeline.close();
    },
  };
}
