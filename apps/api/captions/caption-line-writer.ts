import type { Logger } from '@nestjs/common';
import type { NewCaptionLine } from '../../../libs/db/live-session.schema';
import type { LiveSessionsService } from '../../../libs/live/live-sessions.service';

/** A line waits at most this long before it is stored. */
export const FLUSH_AFTER_MS = 250;
const MAX_BATCH = 500;

/**
 * Final caption lines of every session on this API instance, stored in batches: one insert per
 * quarter second instead of one per line (at 500 speakers, per-line inserts cost the API and the
 * database a third of a core). Viewers get lines from the live fan-out, not from storage, so the delay
 * only matters to readers of stored lines, and a session's end flushes first.
 */
export class CaptionLineWriter {
  private batch: NewCaptionLine[] = [];
  private timer?: NodeJS.Timeout;
  /** The last batch's write; every flush waits for the one before, so flush() covers all earlier lines. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sessions: Pick<LiveSessionsService, 'addLines'>,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  add(line: NewCaptionLine): void {
    this.batch.push(line);
    if (this.batch.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Resolves once every line added so far is stored (or its failure logged: captions never block a speaker). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.batch;
    this.batch = [];
    const previous = this.writing;
    this.writing = (async () => {
      await previous;
      if (lines.length === 0) return;
      await this.sessions
        .addLines(lines)
        .catch((error: unknown) => this.logger.error({ err: error, lines: lines.length }, 'caption lines not saved'));
    })();
    return this.writing;
  }
}
