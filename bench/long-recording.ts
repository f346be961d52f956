import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIR = join(tmpdir(), 'voxflow-bench-audio');

/**
 * A spoken recording of `minutes`, made once and cached: two minutes of espeak-ng speech looped by ffmpeg
 * (speech with natural pauses, so the chunker finds silences as it would in a meeting).
 */
export async function longRecording(minutes: number): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const target = join(DIR, `speech-${minutes}min.mp3`);
  if (existsSync(target)) return target;
  const base = join(DIR, 'speech-base.wav');
  if (!existsSync(base)) {
    const text = join(DIR, 'speech-base.txt');
    const sentences = [
      'Good morning, this is the quarterly review of the audio platform.',
      'We processed more recordings than ever, and the error rate went down.',
      'Next, the team will focus on latency, cost and the customer reports.',
      'Questions can go to the channel, and we will answer them this week.',
    ];
    writeFileSync(text, Array.from({ length: 12 }, (_, i) => sentences[i % sentences.length]).join('\n\n'));
    await run('espeak-ng', ['-s', '150', '-g', '8', '-f', text, '-w', base]);
  }
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-stream_loop',
    '-1',
    '-i',
    base,
    '-t',
    String(minutes * 60),
    '-ac',
    '1',
    '-ar',
    '16000',
    '-b:a',
    '32k',
    target,
  ]);
  return target;
}
