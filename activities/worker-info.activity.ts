import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { activityInfo } from '@temporalio/activity';
import type { ActivityDeps } from './activity-deps';

const run = promisify(execFile);

export interface WorkerDescription {
  hostname: string;
  pid: number;
  taskQueue: string;
  node: string;
  /** First line of `ffmpeg -version`, or null when ffmpeg is missing on this worker. */
  ffmpeg: string | null;
}

/** Reports what a worker runs on; the canary workflow uses it to prove a worker is polling. */
export function createWorkerInfoActivities({ config }: Pick<ActivityDeps, 'config'>) {
  return {
    async describeWorker(): Promise<WorkerDescription> {
      return {
        hostname: hostname(),
        pid: process.pid,
        taskQueue: activityInfo().taskQueue,
        node: process.version,
        ffmpeg: await ffmpegVersion(config.media.ffmpeg),
      };
    },
  };
}

async function ffmpegVersion(ffmpeg: string): Promise<string | null> {
  try {
    const { stdout } = await run(ffmpeg, ['-hide_banner', '-version'], { timeout: 5_000 });
    return stdout.split('\n')[0]?.trim() ?? null;
  } catch {
    return null;
  }
}
