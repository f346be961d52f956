import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection as TemporalConnection, WorkflowFailedError } from '@temporalio/client';
import mongoose, { type Connection } from 'mongoose';
import { startJobWorkflow } from '../../libs/jobs/start-job-workflow';
import { createProviderSimulator, type ProviderSimulator } from '../../apps/simulator/simulator-server';
import { WorkerModule } from '../../apps/worker/worker.module';
import type { AppConfig } from '../../libs/config';
import type { TranscriptionJobInput } from '../../libs/contracts/job';
import type { JobDocument } from '../../libs/db/job.schema';
import { JobChunksRepository } from '../../libs/db/job-chunks.repository';
import { JobsRepository } from '../../libs/db/jobs.repository';
import { ApiKeysService, type KeyOptions } from '../../libs/auth/api-keys.service';
import { ApiKeysRepository } from '../../libs/db/api-keys.repository';
import { TenantsRepository } from '../../libs/db/tenants.repository';
import { TranscriptsRepository } from '../../libs/db/transcripts.repository';
import { WebhookSecretsRepository } from '../../libs/db/webhook-secrets.repository';
import { WebhooksRepository } from '../../libs/db/webhooks.repository';
import { newJobRecord } from '../../libs/jobs/new-job';
import { newId } from '../../libs/db/ids';
import { LocalStorage } from '../../libs/storage/local-storage';
import { TranscriptStore } from '../../libs/transcripts/transcript-store';
import { newWebhookSecret } from '../../libs/webhooks/webhook-signature';
import { TenantProvisioner, type ProvisionedKey } from '../../libs/tenants/tenant-provisioner';
import { loadConfig } from '../../libs/config';
import { testEnv, uniqueSuffix } from './test-env';

export interface PipelineHarness {
  config: AppConfig;
  /** The environment `config` was loaded from, for apps started as processes. */
  env: Record<string, string>;
  simulator: ProviderSimulator;
  client: Client;
  mongo: Connection;
  jobs: JobsRepository;
  chunks: JobChunksRepository;
  transcripts: TranscriptStore;
  webhooks: WebhooksRepository;
  secrets: WebhookSecretsRepository;
  storage: LocalStorage;
  createTenant(): Promise<{ tenantId: string; secret: string }>;
  /** A tenant with an API key (shown once) and a webhook secret, as `voxflow keys create` makes them. */
  createApiKey(tenantName?: string, options?: KeyOptions): Promise<ProvisionedKey>;
  /** Stores a queued job and starts its workflow, as the API does. */
  submit(input: Partial<TranscriptionJobInput> & Pick<TranscriptionJobInput, 'source' | 'tenantId'>): Promise<string>;
  /** Waits for the workflow to end and returns the job record. */
  waitForJob(jobId: string): Promise<JobDocument>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The pipeline for integration tests: the provider simulator (the only replaced part: the network edge),
 * the real worker app on the Temporal dev server, its own database and task queue.
 */
export async function startPipelineHarness(
  overrides: Record<string, string> = {},
  options: { inProcessWorker?: boolean } = {},
): Promise<PipelineHarness> {
  const simulator = createProviderSimulator();
  const simUrl = await simulator.listen(0);
  const env = testEnv({
    OPENAI_API_KEY: 'sk-simulated',
    OPENAI_BASE_URL: `${simUrl}/v1`,
    DEEPGRAM_API_KEY: 'dg-simulated',
    DEEPGRAM_BASE_URL: simUrl,
    DEEPSEEK_API_KEY: 'ds-simulated',
    DEEPSEEK_BASE_URL: `${simUrl}/v1`,
    OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    ...overrides,
  });
  const config = loadConfig(env);
  const mongo = await mongoose.createConnection(config.mongodb.uri).asPromise();
  const temporal = await TemporalConnection.connect({ address: config.temporal.address });
  const client = new Client({ connection: temporal, namespace: config.temporal.namespace });
  const jobs = new JobsRepository(mongo);
  const tenants = new TenantsRepository(mongo);
  const secrets = new WebhookSecretsRepository(mongo);
  const transcriptsRepository = new TranscriptsRepository(mongo);
  await Promise.all([jobs.init(), tenants.init(), secrets.init(), transcriptsRepository.init()]);
  const storage = new LocalStorage(config.storage.dir);
  let worker: INestApplicationContext | undefined;

  const harness: PipelineHarness = {
    config,
    env,
    simulator,
    client,
    mongo,
    jobs,
    chunks: new JobChunksRepository(mongo),
    transcripts: new TranscriptStore(transcriptsRepository, storage),
    webhooks: new WebhooksRepository(mongo),
    secrets,
    storage,
    async createTenant() {
      const tenant = await tenants.create(`tenant-${uniqueSuffix()}`);
      const secret = newWebhookSecret();
      await secrets.rotate(tenant.id, secret);
      return { tenantId: tenant.id, secret };
    },
    createApiKey: (tenantName = `tenant-${uniqueSuffix()}`, options) =>
      new TenantProvisioner(tenants, new ApiKeysService(new ApiKeysRepository(mongo)), secrets).createKey(
        tenantName,
        options,
      ),
    async submit(partial) {
      const input: TranscriptionJobInput = {
        jobId: newId('job'),
        provider: 'openai',
        fallbackProviders: [],
        translateTo: [],
        translationProvider: 'openai',
        priority: 'normal',
        ...partial,
      };
      await jobs.create(newJobRecord(input));
      await startJobWorkflow(client, config, input, {
        source: input.source.kind === 'url' ? input.source.url : input.source.storageKey,
      });
      return input.jobId;
    },
    async waitForJob(jobId) {
      try {
        await client.workflow.getHandle(jobId).result();
      } catch (error) {
        if (!(error instanceof WorkflowFailedError)) throw error;
      }
      return (await jobs.findById(jobId))!;
    },
    async startWorker() {
      worker = await NestFactory.createApplicationContext(WorkerModule.register(config), { logger: false });
      await worker.init();
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async close() {
      await harness.stopWorker();
      await temporal.close();
      await mongo.dropDatabase().catch(() => undefined);
      await mongo.close();
      await simulator.close();
    },
  };
  if (options.inProcessWorker !== false) await harness.startWorker();
  return harness;
}
