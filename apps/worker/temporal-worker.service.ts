import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Server } from 'node:http';
import { createActivities } from '../../activities';
import { InjectConfig, type AppConfig } from '../../libs/config';
import { operationsSummary } from '../../libs/jobs/operations-summary';
import { checkMediaTools } from '../../libs/media/check-media-tools';
import { temporalConnectionOptions } from '../../libs/temporal/connection-options';
import { TRACING } from '../../libs/temporal/temporal-client.module';
import type { Tracing } from '../../libs/tracing/tracing';
import { WorkerActivityDeps } from './activity-deps.provider';
import { ensureRetentionSchedule } from './retention-schedule';
import { workflowSource } from './workflow-source';

/**
 * Owns the Temporal Worker: created when the application boots, drained when it stops (SIGTERM through Nest's
 * shutdown hooks) before the connections its activities use close, so in-flight activities finish or time
 * out cleanly.
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;
  private metricsServer?: Server;
  /** Why this worker does not poll, when it cannot do the work (its media tools do not run). */
  private refusal?: string;
  private endRefusal?: () => void;
  private readonly logger = new Logger(TemporalWorkerService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly deps: WorkerActivityDeps,
    private readonly client: Client,
    @Inject(TRACING) private readonly tracing: Tracing | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const media = await checkMediaTools(this.config.media);
    if (!media.ok) {
      // Every job it polled would fail at its first media step: it stays up, unready, saying why, and polls nothing.
      this.refusal = `media tools unavailable: ${Object.values(media.problems).filter(Boolean).join('; ')}`;
      this.running = new Promise<void>((resolvePromise) => (this.endRefusal = resolvePromise));
      await this.serveHealth();
      this.logger.error(`Not polling: ${this.refusal}`);
      return;
    }
    this.logger.log(`Media tools: ffmpeg ${media.versions.ffmpeg}, ffprobe ${media.versions.ffprobe}`);
    this.connection = await NativeConnection.connect(temporalConnectionOptions(this.config));
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.config.temporal.namespace,
      taskQueue: this.config.temporal.taskQueue,
      activities: createActivities(this.deps),
      ...workflowSource(this.tracing !== undefined),
      plugins: this.tracing ? [this.tracing.plugin] : [],
      maxConcurrentActivityTaskExecutions: this.config.worker.maxConcurrentActivities,
      // Every job in flight stays cached: an evicted one is replayed from its history at its next task,
      // which costs CPU in a burst (docs/benchmarks.md).
      maxCachedWorkflows: this.config.worker.maxCachedWorkflows,
      // A rolling deploy should not cost provider calls: running activities get this long to finish.
      shutdownGraceTime: this.config.worker.shutdownGraceSeconds * 1000,
    });
    this.running = this.worker.run();
    await ensureRetentionSchedule(this.client, this.config);
    await this.serveHealth();
  }

  private async serveHealth(): Promise<void> {
    if (this.config.worker.metricsPort <= 0) return;
    this.deps.metrics.watchStorage(this.config.storage.dir);
    this.metricsServer = await this.deps.metrics.serve(this.config.worker.metricsPort, this.config.worker.metricsHost, {
      readiness: () => (this.refusal ? { ready: false, reason: this.refusal } : { ready: this.state === 'RUNNING' }),
      summary: () => operationsSummary(this.deps),
    });
  }

  /** Settles when the worker stops: after shutdown, or with the error that killed it. */
  async whenStopped(): Promise<void> {
    await this.running;
  }

  /** How many workflows the worker keeps cached between tasks. */
  get workflowCacheSize(): number | undefined {
    return this.worker?.options.maxCachedWorkflows;
  }

  get state(): string {
    return this.worker?.getState() ?? 'NOT_STARTED';
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.endRefusal?.();
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
    this.deps.http.destroy();
    this.metricsServer?.close();
  }
}
