import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { jobKeys } from '../../../libs/storage/local-storage';
import { newId } from '../../../libs/db/ids';
import { speechRecording, speechVideo } from '../../support/audio-fixtures';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

const run = promisify(execFile);

describe('transcriptionJob sources', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  let tenantId: string;
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-sources-'));

  beforeAll(async () => {
    // A small size limit, so "too large" needs no gigabyte fixture.
    harness = await startPipelineHarness({ MAX_UPLOAD_BYTES: String(3 * 1024 * 1024) });
    writeFileSync(join(scratch, 'noise.bin'), randomBytes(200_000));
    writeFileSync(join(scratch, 'empty.mp3'), '');
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=5:duration=2',
      '-c:v',
      'mpeg4',
      join(scratch, 'no-sound.mp4'),
    ]);
    files = await startFileServer({
      '/talk.mp3': { file: await speechRecording(60) },
      '/internal.mp3': { file: await speechRecording(10) },
      '/talk.wav': { file: await speechRecording(120, 'wav') },
      '/clip.mp4': { file: await speechVideo(20) },
      '/noise.bin': { file: join(scratch, 'noise.bin') },
      '/empty.mp3': { file: join(scratch, 'empty.mp3') },
      '/no-sound.mp4': { file: join(scratch, 'no-sound.mp4') },
      '/page': { text: '<!DOCTYPE html><html><body>Not found, but 200</body></html>' },
      '/gone': { status: 404 },
      '/private': { status: 200 },
      '/members-only': { status: 403 },
      '/moved': { redirect: '/talk.mp3' },
    });
    ({ tenantId } = await harness.createTenant());
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  const runUrl = async (url: string) =>
    harness.waitForJob(await harness.submit({ tenantId, source: { kind: 'url', url } }));

  it('extracts the audio of a video', async () => {
    const job = await runUrl(files.url('/clip.mp4'));
    expect(job.status).toBe('completed');
    expect(job.durationS).toBeCloseTo(20, 0);
  });

  it('transcribes an uploaded file already in storage, through Deepgram', async () => {
    const jobId = newId('job');
    await harness.storage.write(jobKeys.source(jobId), createReadStream(await speechRecording(60)), {
      maxBytes: 10_000_000,
    });
    await harness.submit({
      jobId,
      tenantId,
      provider: 'deepgram',
      source: { kind: 'upload', storageKey: jobKeys.source(jobId) },
    });
    const job = await harness.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'completed', providersUsed: ['deepgram'] });
    expect(harness.simulator.stats.scopes.listen.ok).toBeGreaterThan(0);
  });

  it.each([
    ['/gone', 'source_not_found', 'HTTP 404'],
    ['/members-only', 'source_forbidden', 'HTTP 403'],
    ['/page', 'unsupported_media', 'a web page or JSON'],
    ['/noise.bin', 'unsupported_media', 'not a readable audio or video file'],
    ['/empty.mp3', 'unsupported_media', 'not a readable audio or video file'],
    ['/no-sound.mp4', 'unsupported_media', 'the file has no audio stream'],
    ['/talk.wav', 'source_too_large', 'limit'],
  ])('fails %s with %s and leaves no files behind', async (path, code, messagePart) => {
    const job = await runUrl(files.url(path));
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe(code);
    expect(job.error?.message).toContain(messagePart);
    // Errors are shown to clients: no server paths in them.
    expect(job.error?.message).not.toContain(harness.config.storage.dir);
    expect(await harness.storage.size(jobKeys.work(job._id))).toBeUndefined();
  });

  // ffmpeg follows a playlist's entries itself. Before the input formats were restricted, an HLS playlist
  // naming a file on the worker got that file transcribed (another job's audio, say); ffmpeg's own rules
  // happened to stop the URL and the concat script, which are now refused before anything is opened.
  it.each([
    ['an HLS playlist naming a file on the worker', 'hls', 'file'],
    ['an HLS playlist naming an internal URL', 'hls', 'url'],
    ['an ffconcat script naming a file on the worker', 'concat', 'file'],
  ])('refuses %s, opening nothing it names', async (_what, format, target) => {
    const entry = target === 'file' ? await speechRecording(10) : files.url('/internal.mp3');
    const listing =
      format === 'hls'
        ? ['#EXTM3U', '#EXT-X-TARGETDURATION:10', '#EXTINF:10.0,', entry, '#EXT-X-ENDLIST']
        : ['ffconcat version 1.0', `file '${entry}'`];
    const lists = await startFileServer({
      '/list': { text: `${listing.join('\n')}\n`, contentType: 'application/octet-stream' },
    });
    const internalHits = files.hits.get('/internal.mp3') ?? 0;
    const transcriptionCalls = harness.simulator.stats.scopes.transcriptions.requests;
    try {
      const job = await runUrl(lists.url('/list'));
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('unsupported_media');
      expect(job.error?.message).toContain(`a playlist or script (${format}) that points at other files`);
      expect(files.hits.get('/internal.mp3') ?? 0).toBe(internalHits);
      expect(harness.simulator.stats.scopes.transcriptions.requests).toBe(transcriptionCalls);
    } finally {
      await lists.close();
    }
  });

  it('follows a redirect, but refuses one that leads to a private address', async () => {
    expect((await runUrl(files.url('/moved'))).status).toBe('completed');
    const before = files.hits.get('/private') ?? 0;
    const sneaky = await startFileServer({
      '/go': { redirect: files.url('/private').replace('127.0.0.1', '127.0.0.2') },
    });
    try {
      const job = await runUrl(sneaky.url('/go'));
      expect(job.error?.code).toBe('source_forbidden');
      expect(files.hits.get('/private') ?? 0).toBe(before);
    } finally {
      await sneaky.close();
    }
  });

  it('refuses a private address outside OUTBOUND_ALLOW_CIDRS without connecting', async () => {
    const before = files.hits.get('/private') ?? 0;
    const job = await runUrl(files.url('/private').replace('127.0.0.1', '127.0.0.2'));
    expect(job.error?.code).toBe('source_forbidden');
    expect(job.error?.message).toMatch(/loopback, private, link-local or reserved/);
    expect(files.hits.get('/private') ?? 0).toBe(before);
  });
});
