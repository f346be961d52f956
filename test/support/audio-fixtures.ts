import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURES = join(tmpdir(), 'voxflow-audio-fixtures');

const SENTENCES = [
  'Good morning everyone and thank you for joining the weekly project meeting.',
  'Today we review the release plan and the budget for the next quarter.',
  'The design team finished the first version of the new service.',
  'We still have a few open questions about the customer report.',
  'Please send your answers before the end of the week.',
  'The test results look very good so far.',
];

/**
 * A spoken recording of about `seconds`, made with espeak-ng (sentences with pauses between them), encoded
 * as `format`. Cached per parameters: tests reuse the same file across runs.
 */
export async function speechRecording(seconds: number, format: 'mp3' | 'wav' | 'ogg' = 'mp3'): Promise<string> {
  mkdirSync(FIXTURES, { recursive: true });
  const target = join(FIXTURES, `speech-${seconds}s.${format}`);
  if (existsSync(target)) return target;
  // espeak-ng speaks about 2.5 words a second at 150 wpm; repeat sentences until long enough, then trim.
  const words = Math.ceil(seconds * 2.6);
  const text: string[] = [];
  for (let i = 0, count = 0; count < words; i++) {
    const sentence = SENTENCES[i % SENTENCES.length]!;
    text.push(sentence);
    count += sentence.split(' ').length;
  }
  const textFile = join(FIXTURES, `speech-${seconds}s.txt`);
  writeFileSync(textFile, text.join('\n\n'));
  const raw = join(FIXTURES, `speech-${seconds}s.raw.wav`);
  await run('espeak-ng', ['-s', '150', '-g', '8', '-f', textFile, '-w', raw]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', raw, '-t', String(seconds), '-ac', '1', '-ar', '22050', target]);
  return target;
}

/** A short video (test pattern + speech) so the pipeline must extract the audio track. */
export async function speechVideo(seconds: number): Promise<string> {
  const target = join(FIXTURES, `video-${seconds}s.mp4`);
  if (existsSync(target)) return target;
  const audio = await speechRecording(seconds, 'wav');
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=${seconds}`,
    '-i',
    audio,
    '-shortest',
    '-c:v',
    'mpeg4',
    '-c:a',
    'aac',
    target,
  ]);
  return target;
}
