import { CancellationScope } from '@temporalio/workflow';
import type { JobRecordPatch } from '../libs/contracts/activities';

type RecordJob = (input: { jobId: string; patch: JobRecordPatch }) => Promise<void>;

/**
 * Writes the job record from the workflow one activity at a time, when `send()` is called (once per stage,
 * however many facts it recorded). Patches that arrive while a write is in flight are merged into the next
 * one, so parallel chunk completions cost a few writes, not one each, and the record never has two writers at
 * once (FerretDB would lose one of them).
 */
export class JobRecorder {
  private pending: JobRecordPatch | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly jobId: string,
    private readonly recordJob: RecordJob,
  ) {}

  record(patch: JobRecordPatch): void {
    this.pending = {
      ...this.pending,
      ...patch,
      ...(this.pending?.timings || patch.timings ? { timings: { ...this.pending?.timings, ...patch.timings } } : {}),
    };
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
