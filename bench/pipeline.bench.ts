import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../apps/cli/api-client';
import { waitForJob } from '../apps/cli/commands/jobs.commands';
import { loadConfig } from '../libs/config';
import { PIPELINE } from '../libs/contracts/pipeline';
import { planChunks } from '../libs/media/chunk-plan';
import { normalizeAudio } from '../libs/media/normalize-audio';
import { readWavLayout, writeWavSlice } from '../libs/media/wav';
import { OpenAiSttProvider } from '../libs/providers/openai-stt.provider';
import { provisionApiKey } from '../libs/tenants/tenant-keys';
import { startVerifyingReceiver } from '../deploy/local/demo-webhook-receiver';
import { report, runBench, saveResults, startBenchStack } from './bench-support';
import { longRecording } from './long-recording';

/**
 * One long recording three ways, in one run: Voxflow end to end (upload → verified webhook), a sequential
 * baseline (the same chunks sent one after another from one process, as a request handler would), and the
 * lower bound (chunking + the slowest single chunk call). The simulator's latency models a real API.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '60' },
      'latency-ms': { type: 'string', default: '800' },
      'per-second-ms': { type: 'string', default: '50' },
    },
  });
  const minutes = Number(values.minutes);
  const latency = { latencyMs: Number(values['latency-ms']), latencyPerAudioSecondMs: Number(values['per-second-ms']) };
  const recording = await longRecording(minutes);
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-bench-pipeline-'));
  const stack = await startBenchStack('pipeline', scratch);
  try {
    const config = loadConfig(stack.env);
    const simulator = config.providers.openai.baseUrl!.replace(/\/v1$/, '');
    await fetch(`${simulator}/__sim/reset`, { method: 'POST' });
    await fetch(`${simulator}/__sim/config`, { method: 'POST', body: JSON.stringify({ transcriptions: latency }) });

    const tenant = await provisionApiKey(config.mongodb.uri, 'bench');
    const receiver = await startVerifyingReceiver(tenant.webhookSecret);
    const api = new ApiClient({ apiUrl: stack.apiUrl, apiKey: tenant.key });

    // 1. Voxflow: submit → signed webhook.
    const started = Date.now();
    const { id } = await api.submit(recording, { webhook_url: receiver.url });
    const job = await waitForJob(api, id, 250);
    await receiver.next(60_000);
    const voxflowS = (Date.now() - started) / 1000;
    receiver.close();
    const stats = (await (await fetch(`${simulator}/__sim/stats`)).json()) as {
      scopes: { transcriptions: { requests: number; maxInFlight: number } };
    };
    if (job.status !== 'completed') throw new Error(`the job ended ${job.status}: ${job.error?.message}`);

    // 2. Sequential baseline: the same normalization and chunk plan, then one call after another.
    const chunkStarted = Date.now();
    const normalized = join(scratch, 'normalized.wav');
    const { silences } = await normalizeAudio(recording, normalized, { tools: config.media });
    const layout = await readWavLayout(normalized);
    const plan = planChunks(layout.durationS, silences, {
      parallelism: PIPELINE.parallelChunks,
      maxChunkS: PIPELINE.maxChunkS,
      minChunkS: PIPELINE.minChunkS,
    });
    const chunkFiles = [];
    for (const chunk of plan) {
      const file = join(scratch, `chunk-${chunk.index}.wav`);
      await writeWavSlice(normalized, layout, chunk.startS, chunk.endS, file);
      chunkFiles.push(file);
    }
    const chunkingS = (Date.now() - chunkStarted) / 1000;
    const provider = new OpenAiSttProvider({ apiKey: 'sk-bench', baseUrl: config.providers.openai.baseUrl });
    const callSeconds: number[] = [];
    const sequentialStarted = Date.now();
    for (const file of chunkFiles) {
      const callStarted = Date.now();
      await provider.transcribe({ filePath: file });
      callSeconds.push((Date.now() - callStarted) / 1000);
    }
    const sequentialS = chunkingS + (Date.now() - sequentialStarted) / 1000;
    const lowerBoundS = chunkingS + Math.max(...callSeconds);

    const figures = {
      minutes,
      latency_ms: latency.latencyMs,
      per_audio_second_ms: latency.latencyPerAudioSecondMs,
      chunks: job.progress.chunks_total,
      provider_calls: stats.scopes.transcriptions.requests,
      max_parallel_calls: stats.scopes.transcriptions.maxInFlight,
      voxflow_s: Number(voxflowS.toFixed(1)),
      sequential_s: Number(sequentialS.toFixed(1)),
      lower_bound_s: Number(lowerBoundS.toFixed(1)),
      speedup_vs_sequential: Number((sequentialS / voxflowS).toFixed(2)),
      ratio_to_lower_bound: Number((voxflowS / lowerBoundS).toFixed(2)),
      voxflow_stage_ms: job.timings,
    };
    report('pipeline', { ...figures, voxflow_stage_ms: JSON.stringify(job.timings) });
    process.stdout.write(
      `results: ${saveResults('pipeline', { figures, goal: '≥ 8× faster than sequential, ≤ 1.3× the lower bound' })}\n`,
    );
  } finally {
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

runBench('pipeline', main);
