import { proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, JobRecordPatch } from '../libs/contracts/activities';
import type { JobProgress, JobStage, JobStatus } from '../libs/contracts/job';
import { SEARCH_ATTRIBUTES } from '../libs/contracts/temporal';
import { SHORT_IO_LOCAL } from './activity-profiles';
import { progressQuery } from './definitions';
import { JobRecorder } from './job-recorder';
import { nowIso, nowMs } from './workflow-clock';

const { recordJob } = proxyLocalActivities<Pick<Activities, 'recordJob'>>(SHORT_IO_LOCAL);

/** Where each stage starts on the 0–100 progress scale; transcription takes the widest band. */
const STAGE_PERCENT: Record<JobStage, number> = {
  queued: 0,
  downloading: 2,
  chunking: 12,
  transcribing: 20,
  merging: 85,
  translating: 88,
  storing: 97,
  done: 100,
};

/**
 * What a job shows while it runs: its status (search attribute and record), stage, progress and each step's
 * time. Answers the `progress` query and writes the job record once per stage.
 */
export class JobProgressTracker {
  private readonly progress: JobProgress = {
    status: 'processing',
    stage: 'queued',
    percent: 0,
    chunksDone: 0,
    chunksTotal: 0,
  };
  private readonly recorder: JobRecorder;
  private readonly started = nowMs();

  constructor(jobId: string) {
    this.recorder = new JobRecorder(jobId, recordJob);
    setHandler(progressQuery, () => ({ ...this.progress }));
  }

  /** Facts for the job record, written with the next stage's record. */
  record(patch: JobRecordPatch): void {
    this.recorder.record(patch);
  }

  begin(): void {
    this.setStatus('processing');
    this.recorder.record({ status: 'processing', startedAt: nowIso() });
  }

  /**
   * Runs one stage. A combined activity measures its steps itself (`stepTimes`); otherwise the stage's time is
   * its wall time here, the queue wait included.
   */
  async stage<T>(
    name: JobStage,
    work: () => Promise<T>,
    stepTimes?: (result: T) => Partial<Record<JobStage, number>>,
  ): Promise<T> {
    this.progress.stage = name;
    this.progress.percent = STAGE_PERCENT[name];
    this.recordProgress();
    this.recorder.send();
    const stageStarted = nowMs();
    let spent: Partial<Record<JobStage, number>> | undefined;
    try {
      const result = await work();
      spent = stepTimes?.(result);
      return result;
    } finally {
      spent ??= { [name]: nowMs() - stageStarted };
      this.recorder.record({ timings: spent });
    }
  }

  startChunks(total: number): void {
    this.progress.chunksTotal = total;
  }

  chunkDone(): void {
    const { progress } = this;
    progress.chunksDone++;
    const band = STAGE_PERCENT.merging - STAGE_PERCENT.transcribing;
    progress.percent = Math.floor(STAGE_PERCENT.transcribing + (band * progress.chunksDone) / progress.chunksTotal);
    this.recordProgress();
    // The last chunk's count goes out with the merging stage, a moment later.
    if (progress.chunksDone < progress.chunksTotal) this.recorder.send();
  }

  /** The completed record, written before the status search attribute says so. */
  async complete(patch: JobRecordPatch, alongside: SearchAttributeUpdatePair[]): Promise<void> {
    this.progress.stage = 'done';
    this.progress.percent = 100;
    this.recorder.record({
      ...patch,
      status: 'completed',
      stage: 'done',
      progress: { percent: 100, chunksDone: this.progress.chunksDone, chunksTotal: this.progress.chunksTotal },
      timings: { total: nowMs() - this.started },
      finishedAt: nowIso(),
    });
    await this.recorder.drain();
    this.setStatus('completed', alongside);
  }

  /** The failed or cancelled record; call it in a non-cancellable scope. */
  async end(status: 'failed' | 'cancelled', patch: JobRecordPatch = {}): Promise<void> {
    this.recorder.record({ ...patch, status, timings: { total: nowMs() - this.started }, finishedAt: nowIso() });
    await this.recorder.drain();
    this.setStatus(status);
  }

  private recordProgress(): void {
    const { stage, percent, chunksDone, chunksTotal } = this.progress;
    this.recorder.record({ stage, progress: { percent, chunksDone, chunksTotal } });
  }

  private setStatus(status: JobStatus, alongside: SearchAttributeUpdatePair[] = []): void {
    this.progress.status = status;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: status }, ...alongside]);
  }
}
