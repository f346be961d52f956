import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { MediaToolUnavailableError, UnsupportedMediaError } from '../libs/media/media-errors';
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
});
