import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readInfraOptions } from '../../deploy/local/infra-options';
import { localMediaTools } from '../../deploy/local/local-media-tools';
import { leanFfmpeg } from '../../deploy/local/toolchain';
import { refusedFormatMessage } from './input-formats';
import { isStorageFull, UnsupportedMediaError } from './media-errors';
import type { MediaTools } from './media-tools';
import { normalizeAudio } from './normalize-audio';
import { probeMedia } from './probe';

const run = promisify(execFile);
const infra = readInfraOptions();
const local = localMediaTools();
const leanDir = leanFfmpeg(infra.cacheDir, infra.repoRoot).find();
const lean = leanDir ? { ffmpeg: join(leanDir, 'ffmpeg'), ffprobe: join(leanDir, 'ffprobe') } : undefined;
// What the local stack runs (npm's static build), and the lean build the Docker image runs: the same answers.
const toolsets: [string, MediaTools][] = [
  ["the local stack's build", local],
  ...(lean ? [['the lean build', lean] as [string, MediaTools]] : []),
];

describe.each(toolsets)('input formats, %s', (_name, tools) => {
  const dir = mkdtempSync(join(tmpdir(), 'voxflow-formats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One second of tone (with a small picture for video containers) encoded as `file`. */
  async function encode(file: string, encoding: string[], video = false): Promise<string> {
    const inputs = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];
    if (video) inputs.push('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1');
    const path = join(dir, file);
    await run(local.ffmpeg, ['-v', 'error', '-y', ...inputs, ...encoding, path]);
    return path;
  }

  // What clients send in practice: phone and browser recordings, podcasts, exports, videos.
  it.each([
    ['talk.mp3', ['-c:a', 'libmp3lame']],
    ['talk.wav', ['-c:a', 'pcm_s16le']],
    ['talk.flac', ['-c:a', 'flac']],
    ['talk.ogg', ['-c:a', 'libvorbis']],
    ['talk.opus', ['-c:a', 'libopus']],
    ['talk.m4a', ['-c:a', 'aac']],
    ['talk.aac', ['-c:a', 'aac', '-f', 'adts']],
    ['talk.aiff', ['-c:a', 'pcm_s16be']],
    ['talk.caf', ['-c:a', 'pcm_s16le']],
    ['talk.wma', ['-c:a', 'wmav2']],
    ['talk.webm', ['-c:a', 'libopus']],
  ])('reads %s', async (file, encoding) => {
    const info = await probeMedia(await encode(file, encoding), tools);
    expect(info.durationS).toBeCloseTo(1, 0);
  });

  it.each([
    ['clip.mp4', ['-c:v', 'mpeg4', '-c:a', 'aac']],
    ['clip.mkv', ['-c:v', 'mpeg4', '-c:a', 'libvorbis']],
    ['clip.mov', ['-c:v', 'mpeg4', '-c:a', 'aac']],
    ['clip.avi', ['-c:v', 'mpeg4', '-c:a', 'libmp3lame']],
    ['clip.ts', ['-c:v', 'mpeg2video', '-c:a', 'mp2']],
    ['clip.flv', ['-c:v', 'flv', '-c:a', 'libmp3lame']],
  ])('decodes the audio of %s', async (file, encoding) => {
    const { durationS } = await normalizeAudio(await encode(file, encoding, true), join(dir, `${file}.wav`), { tools });
    expect(durationS).toBeCloseTo(1, 0);
  });

  it('says "storage full", not "unsupported media", when the output cannot be written for want of space', async () => {
    const failure = await normalizeAudio(await encode('full.wav', ['-c:a', 'pcm_s16le']), '/dev/full', { tools }).catch(
      (error: unknown) => error,
    );
    expect(failure).not.toBeInstanceOf(UnsupportedMediaError);
    expect(isStorageFull(failure)).toBe(true);
  });

  it('refuses an HLS playlist naming a local file, in ffprobe and in ffmpeg', async () => {
    const audio = await encode('inside.mp3', ['-c:a', 'libmp3lame']);
    const playlist = join(dir, 'source');
    writeFileSync(
      playlist,
      ['#EXTM3U', '#EXT-X-TARGETDURATION:1', '#EXTINF:1.0,', audio, '#EXT-X-ENDLIST', ''].join('\n'),
    );
    const refused = /a playlist or script \(hls\) that points at other files/;
    await expect(probeMedia(playlist, tools)).rejects.toThrow(refused);
    await expect(normalizeAudio(playlist, join(dir, 'playlist.wav'), { tools })).rejects.toThrow(UnsupportedMediaError);
    await expect(normalizeAudio(playlist, join(dir, 'playlist.wav'), { tools })).rejects.toThrow(refused);
  });

  it('names a recognised format outside the list; other unreadable input gets the generic message', async () => {
    const animation = join(dir, 'animation.gif');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=5:duration=1', animation]);
    await expect(probeMedia(animation, tools)).rejects.toThrow(
      'not a readable audio or video file (it looks like gif, which is not supported); send a common audio or video file (mp3, wav, m4a, flac, ogg, webm, mp4, …)',
    );
    const noise = join(dir, 'noise.bin');
    writeFileSync(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    await expect(probeMedia(noise, tools)).rejects.toThrow(/^not a readable audio or video file/);
    expect(refusedFormatMessage('noise.bin: Invalid data found when processing input')).toBeUndefined();
    // Random bytes sometimes probe as a raw video stream; the client still reads that the file is unreadable.
    expect(refusedFormatMessage("[h263 @ 0x55d0c2a0] Format not on whitelist 'mp3,wav'")).toMatch(
      /^not a readable audio or video file \(it looks like h263, which is not supported\)/,
    );
  });
});

// `npm test` builds the lean ffmpeg (`npm run setup -- --tests`), so in CI its absence is a failure, not a skip.
(lean || process.env.CI === 'true' ? describe : describe.skip)('the lean ffmpeg build', () => {
  const listed = (output: string) =>
    output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);

  it('is there, opens local files and pipes only, decodes audio only and links nothing but libc and libm', async () => {
    expect(lean).toBeDefined();
    for (const tool of [lean!.ffmpeg, lean!.ffprobe]) {
      const { stdout: protocols } = await run(tool, ['-hide_banner', '-protocols']);
      expect(listed(protocols)).toEqual([
        'Supported file protocols:',
        'Input:',
        'file',
        'pipe',
        'Output:',
        'file',
        'pipe',
      ]);
      const { stdout: libraries } = await run('ldd', [tool]);
      const names = listed(libraries).map((line) => line.split(/\s/)[0]!.replace(/\.so.*/, ''));
      expect(
        names.filter((name) => !['linux-vdso', 'libm', 'libc'].includes(name) && !name.includes('ld-linux')),
      ).toEqual([]);
    }
    const { stdout: decoders } = await run(lean!.ffmpeg, ['-hide_banner', '-decoders']);
    const rows = listed(decoders.slice(decoders.indexOf('------') + 6));
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.filter((row) => !row.startsWith('A'))).toEqual([]);
  });
});
