import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { activityInfo } from '@temporalio/activity';
import type { WorkerDescription } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';

const run = promisify(execFile);

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
