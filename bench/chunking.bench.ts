import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localMediaTools } from '../deploy/local/local-media-tools';
import { PIPELINE } from '../libs/contracts/pipeline';
import { planChunks } from '../libs/media/chunk-plan';
import { normalizeAudio } from '../libs/media/normalize-audio';
import { probeMedia } from '../libs/media/probe';
import { readWavLayout, writeWavSlice } from '../libs/media/wav';
import { report, runBench, saveResults } from './bench-support';
import { longRecording } from './long-recording';

/**
 * The worker's media steps on one long recording, with the code the activities run: normalize to 16 kHz mono
 * PCM while finding silences (one ffmpeg pass), plan the cuts, slice the chunks; and an ffprobe beside them
 * (the worker runs it only on files ffmpeg cannot use).
 * Reported as a multiple of real time (audio seconds per wall-clock second).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '60' } } });
  const recording = await longRecording(Number(values.minutes));
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-bench-chunking-'));
  // What the bench stack's worker runs, unless FFMPEG_PATH/FFPROBE_PATH say otherwise.
  const tools = localMediaTools();
  try {
    const started = performance.now();
    const info = await probeMedia(recording, tools);
    const probed = performance.now();
    const normalized = join(scratch, 'normalized.wav');
    const { silences } = await normalizeAudio(recording, normalized, { tools });
    const normalizedAt = performance.now();
    const layout = await readWavLayout(normalized);
    const plan = planChunks(layout.durationS, silences, {
      parallelism: PIPELINE.parallelChunks,
      maxChunkS: PIPELINE.maxChunkS,
      minChunkS: PIPELINE.minChunkS,
    });
    for (const chunk of plan)
      await writeWavSlice(normalized, layout, chunk.startS, chunk.endS, join(scratch, `chunk-${chunk.index}.wav`));
    const done = performance.now();

    const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
    const figures = {
      audio_s: Math.round(layout.durationS),
      probe_s: seconds(probed - started),
      normalize_and_silences_s: seconds(normalizedAt - probed),
      slice_s: seconds(done - normalizedAt),
      total_s: seconds(done - started),
      chunks: plan.length,
      silences: silences.length,
      x_real_time: Math.round(layout.durationS / ((done - started) / 1000)),
    };
    report('chunking', figures);
    const file = saveResults('chunking', {
      recording: { minutes: Number(values.minutes), format: info.format },
      ffmpeg: tools.ffmpeg,
      figures,
    });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

runBench('chunking', main);
