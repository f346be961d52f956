export interface ProgressView {
  status: string;
  stage: string;
  progress: { percent: number; chunks_done: number; chunks_total: number };
}

/**
 * One redrawn line on a terminal (`[██████░░░░]  60% transcribing 3/5 chunks`), one line per stage change
 * otherwise (CI logs, pipes).
 */
export class ProgressBar {
  private lastLine = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(job: ProgressView): void {
    const percent = Math.max(0, Math.min(100, job.progress.percent));
    const chunks =
      job.progress.chunks_total > 0 ? ` ${job.progress.chunks_done}/${job.progress.chunks_total} chunks` : '';
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      this.out.write(
        `\r[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${job.stage}${chunks}\x1b[K`,
      );
      return;
    }
    const line = `${job.stage}${chunks}`;
    if (line !== this.lastLine) this.out.write(`${String(percent).padStart(3)}% ${line}\n`);
    this.lastLine = line;
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
