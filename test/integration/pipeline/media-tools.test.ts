import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speechRecording } from '../../support/audio-fixtures';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

describe('a media tool that crashes during a job', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-crashing-ffmpeg-'));
  const crashed = join(scratch, 'crashed');
  let harness: PipelineHarness;
  let files: FileServer;

  beforeAll(async () => {
    // The real ffmpeg, except that its first decode dies of a segmentation fault (as a broken build or the OOM
    // killer would end it); its version check at the worker's start answers as usual.
    const ffmpeg = join(scratch, 'ffmpeg');
    writeFileSync(
      ffmpeg,
      `#!/bin/sh\nif [ "$1" != "-hide_banner" ] && [ ! -e "${crashed}" ]; then touch "${crashed}"; kill -SEGV $$; fi\n` +
        `exec "${process.env.FFMPEG_PATH}" "$@"\n`,
    );
    chmodSync(ffmpeg, 0o755);
    harness = await startPipelineHarness({ FFMPEG_PATH: ffmpeg });
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(20) } });
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  it('is retried, not blamed on the recording: the job completes', async () => {
    const { tenantId } = await harness.createTenant();
    const job = await harness.waitForJob(
      await harness.submit({ tenantId, source: { kind: 'url', url: files.url('/talk.mp3') } }),
    );
    expect(existsSync(crashed)).toBe(true);
    expect(job).toMatchObject({ status: 'completed' });
    expect(job.error).toBeUndefined();
  });
});
