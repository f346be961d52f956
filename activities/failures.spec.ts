import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { MediaToolUnavailableError, UnsupportedMediaError } from '../libs/media/media-errors';
import { ProcessFailedError } from '../libs/media/run-process';
import { classify } from './failures';

describe('classify', () => {
  const classified = (error: Error) => new MockActivityEnvironment().run(() => Promise.resolve(classify(error)));

  it('a media tool that cannot run: media_tool_unavailable, retried (another worker may have it)', async () => {
    const failure = await classified(new MediaToolUnavailableError('ffmpeg could not be started (ENOENT)'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'media_tool_unavailable',
      nonRetryable: false,
      message: 'ffmpeg could not be started (ENOENT)',
    });
  });

  it('a recording the tools cannot read: unsupported_media, not retried', async () => {
    const failure = await classified(new UnsupportedMediaError('the file has no audio stream'));
    expect(failure).toMatchObject({ type: 'unsupported_media', nonRetryable: true });
  });

  it('a full storage volume, from a write or from ffmpeg: storage_full, retried (never unsupported_media)', async () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(await classified(enospc)).toMatchObject({ type: 'storage_full', nonRetryable: false });
    const ffmpeg = new ProcessFailedError('ffmpeg', 1, 'chunk_003.wav: No space left on device\n');
    expect(await classified(ffmpeg)).toMatchObject({ type: 'storage_full', nonRetryable: false });
  });
});
