import { CancellationScope } from '@temporalio/workflow';
import type { JobRecordPatch } from '../activities';

type RecordJob = (input: { jobId: string; patch: JobRecordPatch }) => Promise<void>;

/**
 * When recorded patches are written: at `send()` (one write per stage however many facts it records), or at
 * every `record()` (how jobs started before that replay).
 */
export type RecordWrites = 'when-sent' | 'each-record';

/**
 * Writes the job record from the workflow one activity at a time. Patches that arrive while a write is in
 * flight are merged into the next one, so parallel chunk completions cost a few writes, not one each, and
 * the record never has two writers at once (FerretDB would lose one of them).
 */
export class JobRecorder {
  private pending: JobRecordPatch | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly jobId: string,
    private readonly recordJob: RecordJob,
    private readonly writes: RecordWrites,
  ) {}

  record(patch: JobRecordPatch): void {
    this.pending = {
      ...this.pending,
      ...patch,
      ...(this.pending?.timings || patch.timings ? { timings: { ...this.pending?.timings, ...patch.timings } } : {}),
    };
    if (this.writes === 'each-record') this.send();
  }

  /** Starts writing what was recorded; a write already running takes it when it is done. */
  send(): void {
    if (this.pending) this.flushing ??= this.flush();
  }

  /** Resolves when everything recorded so far is written. */
  async drain(): Promise<void> {
    this.send();
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending) {
        const patch = this.pending;
        this.pending = undefined;
        // Never cancelled halfway: a write still running beside the final status write would be a second writer.
        await CancellationScope.nonCancellable(() => this.recordJob({ jobId: this.jobId, patch }));
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
