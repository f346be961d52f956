import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { loadConfig, type AppConfig } from '../libs/config';
import { LiveSessionsRepository } from '../libs/db/live-sessions.repository';
import { PCM_FRAME_MS, pcmFrames } from '../libs/media/pcm-frames';
import { DeepgramLiveUpstream, type LiveResults } from '../libs/providers/deepgram-live.upstream';
import { provisionApiKey } from '../libs/tenants/tenant-keys';
import {
  cpuSpent,
  heapProbeEnv,
  liveMemoryMb,
  percentile,
  processMemory,
  report,
  runBench,
  saveResults,
  machineCpuSeconds,
  stackCpuSeconds,
  startBenchStack,
} from './bench-support';
import type { RunningStack } from '../deploy/local/stack';
import { longRecording } from './long-recording';

/** Latencies are taken after this much streaming, once every session is past its first words. */
const WARM_UP_MS = 3_000;

interface Options {
  seconds: number;
  binary: boolean;
  /** Where the API's heap probe answers. */
  probeDir: string;
}

/**
 * The frame whose arrival produced an interim result: interim results end at the audio received so far
 * (the simulator, like Deepgram, reports what it heard up to the last frame), so end ÷ 100 ms names it.
 */
function triggeringFrame(start: number, duration: number): number {
  return Math.round((start + duration) * (1000 / PCM_FRAME_MS)) - 1;
}

/** Runs `count` tasks at most `width` at a time (connection storms are not what is measured). */
async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let from = 0; from < count; from += width)
    results.push(
      ...(await Promise.all(Array.from({ length: Math.min(width, count - from) }, (_, j) => task(from + j)))),
    );
  return results;
}

function once<T>(socket: Socket, event: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolvePromise(payload);
    });
    socket.once('error', (error: { message?: string }) => {
      clearTimeout(timer);
      reject(new Error(`${event}: ${error?.message ?? 'error'}`));
    });
  });
}

/**
 * Streams every speaker's frames in real time (each on its own 100 ms clock, starts spread over one frame)
 * and calls `sent(speaker, frame, at)`; resolves after `seconds`.
 */
async function streamAll(
  speakers: number,
  frames: Buffer[],
  seconds: number,
  send: (speaker: number, frame: Buffer) => void,
  sent: (speaker: number, index: number, at: number) => void,
): Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  for (let s = 0; s < speakers; s++) {
    let index = 0;
    const tick = () => {
      sent(s, index, performance.now());
      send(s, frames[index % frames.length]!);
      index++;
    };
    timers.push(
      setTimeout(
        () => {
          tick();
          timers.push(setInterval(tick, PCM_FRAME_MS));
        },
        Math.floor((s * PCM_FRAME_MS) / speakers),
      ),
    );
  }
  await sleep(seconds * 1000);
  for (const timer of timers) clearInterval(timer);
}

/** Frame send times per speaker; latency samples once warm. */
class Clock {
  private readonly sentAt: Float64Array[];
  readonly latencies: number[] = [];
  private warmFrom = Infinity;

  constructor(speakers: number, seconds: number) {
    this.sentAt = Array.from(
      { length: speakers },
      () => new Float64Array(Math.ceil((seconds * 1000) / PCM_FRAME_MS) + 10),
    );
  }

  started(): void {
    this.warmFrom = performance.now() + WARM_UP_MS;
  }

  sent(speaker: number, index: number, at: number): void {
    if (index < this.sentAt[speaker]!.length) this.sentAt[speaker]![index] = at;
  }

  received(speaker: number, start: number, duration: number): void {
    const now = performance.now();
    const at = this.sentAt[speaker]?.[triggeringFrame(start, duration)];
    if (at && at >= this.warmFrom) this.latencies.push(now - at);
  }
}

/** N speakers through the gateway, each with one viewer: speaker send → viewer receives the interim caption. */
async function throughGateway(
  stack: RunningStack,
  apiPid: number,
  key: string,
  n: number,
  frames: Buffer[],
  options: Options,
) {
  const connect = (namespace: string, query: Record<string, string> = {}) =>
    io(`${stack.apiUrl}${namespace}`, {
      auth: { token: key },
      query,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
  const clock = new Clock(n, options.seconds);
  const rampStarted = performance.now();
  const speakers = await inBatches(n, 50, async () => {
    const socket = connect('/audio-stream', { lang: 'en' });
    const { session_id } = await once<{ session_id: string }>(socket, 'connected');
    return { socket, sessionId: session_id };
  });
  const viewers = await inBatches(n, 50, async (i) => {
    const socket = connect('/captions');
    socket.on('caption', (caption: { is_final: boolean; start: number; duration: number }) => {
      if (!caption.is_final) clock.received(i, caption.start, caption.duration);
    });
    socket.emit('watch', { session_id: speakers[i]!.sessionId });
    await once(socket, 'watching').catch((error: Error) => {
      throw new Error(
        `viewer ${i}: ${error.message} (${round1((performance.now() - rampStarted) / 1000)} s into the ramp)`,
      );
    });
    return socket;
  });
  // Connecting every speaker and viewer (50 at a time): what a reconnect storm after a deploy would cost.
  const connectS = round1((performance.now() - rampStarted) / 1000);
  let peakRss = processMemory(apiPid).rssMb;
  const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, processMemory(apiPid).rssMb)), 500);
  // Event-loop delay while streaming, of the API and of this process: which of the two a latency tail is from.
  await apiLoopDelay(stack.apiUrl); // a scrape resets the API's histogram
  const ownLoopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLING_MS });
  ownLoopDelay.enable();
  clock.started();
  const cpuBefore = streamingCpu(stack);
  await streamAll(
    n,
    frames,
    options.seconds,
    (s, frame) =>
      speakers[s]!.socket.emit('audio_chunk', options.binary ? frame : { audio_chunk: frame.toString('base64') }),
    (s, index, at) => clock.sent(s, index, at),
  );
  const cpuAfter = streamingCpu(stack);
  clearInterval(rssSampler);
  ownLoopDelay.disable();
  const loopDelay = {
    ...(await apiLoopDelay(stack.apiUrl)),
    load_generator_loop_delay_p99_ms: beyondSampling(ownLoopDelay.percentile(99) / 1e6),
    load_generator_loop_delay_max_ms: beyondSampling(ownLoopDelay.max / 1e6),
  };
  // Taken with every connection still open, after the latencies (the probe's full GC pauses the API).
  const liveMb = await liveMemoryMb(apiPid, options.probeDir);
  for (const { socket } of speakers) socket.disconnect();
  for (const socket of viewers) socket.disconnect();
  // Cores each part kept busy while streaming, e.g. api_cores, simulator_cores, machine_cores.
  const cores = Object.fromEntries(
    Object.entries(cpuSpent(cpuBefore, cpuAfter)).map(([part, seconds]) => [
      part.replace(/_cpu_s$/, '_cores'),
      round1(seconds / options.seconds),
    ]),
  );
  return {
    latencies: clock.latencies,
    peakRss,
    liveMb,
    cores,
    loopDelay,
    connectS,
    sessionIds: speakers.map((speaker) => speaker.sessionId),
  };
}

/**
 * Event-loop delay is sampled by a timer every LOOP_SAMPLING_MS (prom-client's default precision, and ours):
 * the histogram records the whole interval, so an idle loop reads 10 ms. Reported is the delay beyond it.
 */
const LOOP_SAMPLING_MS = 10;
const beyondSampling = (ms: number) => round1(Math.max(0, ms - LOOP_SAMPLING_MS));

/** The API's event-loop delay since its previous /metrics scrape (prom-client resets the histogram each time). */
async function apiLoopDelay(apiUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const seconds = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    api_loop_delay_p99_ms: beyondSampling(seconds('nodejs_eventloop_lag_p99_seconds') * 1000),
    api_loop_delay_max_ms: beyondSampling(seconds('nodejs_eventloop_lag_max_seconds') * 1000),
  };
}

/** CPU seconds so far: each part of the stack, the load generator (this process) and the whole machine. */
function streamingCpu(stack: RunningStack): Record<string, number> {
  const own = process.cpuUsage();
  return {
    ...stackCpuSeconds(stack),
    load_generator_cpu_s: (own.user + own.system) / 1e6,
    machine_cpu_s: machineCpuSeconds(),
  };
}

/** The same audio straight to the simulator with the gateway's own Deepgram client: the time not ours. */
async function direct(deepgram: { apiKey?: string; baseUrl?: string }, n: number, frames: Buffer[], options: Options) {
  const clock = new Clock(n, options.seconds);
  const upstreams = await inBatches(n, 50, async (i) => {
    const upstream = new DeepgramLiveUpstream({ apiKey: deepgram.apiKey!, baseUrl: deepgram.baseUrl, language: 'en' });
    upstream.on('results', (results: LiveResults) => {
      if (!results.is_final) clock.received(i, results.start, results.duration);
    });
    await upstream.open();
    return upstream;
  });
  clock.started();
  await streamAll(
    n,
    frames,
    options.seconds,
    (s, frame) => upstreams[s]!.sendAudio(frame),
    (s, index, at) => clock.sent(s, index, at),
  );
  for (const upstream of upstreams) upstream.close();
  return clock.latencies;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** What every level of the ramp measures against. */
interface Ramp {
  stack: RunningStack;
  apiPid: number;
  key: string;
  frames: Buffer[];
  options: Options;
  config: AppConfig;
  liveSessions: LiveSessionsRepository;
  /** The API before any connection: RSS and live memory. */
  idleRss: number;
  idleLiveMb: number;
}

/** One run of one level: N speakers through the gateway, then the simulator alone at the same N. */
async function measureLevel(ramp: Ramp, n: number, run?: number): Promise<Record<string, number | string>> {
  const { stack, apiPid, key, frames, options, config, liveSessions, idleRss, idleLiveMb } = ramp;
  const gateway = await throughGateway(stack, apiPid, key, n, frames, options).catch((error: Error) => error);
  // A level the stack cannot even connect is the end of the ramp, and a figure in itself.
  if (gateway instanceof Error) return { speakers: n, failed: gateway.message };
  await sleep(2_000); // sessions end and upstreams close
  // A viewer's catch-up reads its session's recent lines: an index lookup on MongoDB, but a scan of every
  // stored line on FerretDB over SQLite, which made 1,000 viewers take 40 s to join after the 500 level.
  // Each level starts with none, as retention would leave it.
  await liveSessions.removeLines(gateway.sessionIds, 'request');
  // What the connections held is what goes away with them; what stays (compiled code, caches) is a
  // fixed cost, or a leak if it grows with N.
  const afterCloseLiveMb = await liveMemoryMb(apiPid, options.probeDir);
  const simulatorOnly = await direct(config.providers.deepgram, n, frames, options);
  const [e2eP50, e2eP99] = [percentile(gateway.latencies, 0.5), percentile(gateway.latencies, 0.99)];
  const [simP50, simP99] = [percentile(simulatorOnly, 0.5), percentile(simulatorOnly, 0.99)];
  return {
    speakers: n,
    ...(run === undefined ? {} : { run }),
    encoding: options.binary ? 'binary' : 'base64',
    captions_timed: gateway.latencies.length,
    connect_s: gateway.connectS,
    e2e_p50_ms: round1(e2eP50),
    e2e_p99_ms: round1(e2eP99),
    simulator_p50_ms: round1(simP50),
    simulator_p99_ms: round1(simP99),
    added_p50_ms: round1(e2eP50 - simP50),
    added_p99_ms: round1(e2eP99 - simP99),
    api_rss_idle_mb: idleRss,
    api_rss_peak_mb: gateway.peakRss,
    rss_kb_per_connection: Math.round(((gateway.peakRss - idleRss) * 1024) / (2 * n)),
    api_live_idle_mb: idleLiveMb,
    api_live_mb: gateway.liveMb,
    live_kb_per_connection: Math.round(((gateway.liveMb - idleLiveMb) * 1024) / (2 * n)),
    api_live_after_close_mb: afterCloseLiveMb,
    held_kb_per_connection: Math.round(((gateway.liveMb - afterCloseLiveMb) * 1024) / (2 * n)),
    ...gateway.cores,
    ...gateway.loopDelay,
  };
}

/**
 * Live-caption scale: for each N, N speakers stream 100 ms PCM frames in real time, each watched by one
 * viewer. Added relay latency = (speaker send → viewer receives the interim caption) minus the same audio's
 * round trip straight to the simulator at the same N; memory per connection (speakers and viewers both
 * count) = the API's RSS growth, and its live heap plus external memory after a full GC: over the idle
 * figure before any connection (live), and over the figure once this level's connections closed (held).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      speakers: { type: 'string', default: '100,250,500,1000' },
      seconds: { type: 'string', default: '15' },
      encoding: { type: 'string', default: 'binary' },
      runs: { type: 'string', default: '1' },
    },
  });
  const levels = values.speakers.split(',').map(Number);
  // One run's p99 swings with whatever else the machine does; the median of several says more.
  const runs = Math.max(1, Number(values.runs));
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-bench-gateway-'));
  const probeDir = join(scratch, 'heap-probe');
  mkdirSync(probeDir);
  const options: Options = { seconds: Number(values.seconds), binary: values.encoding !== 'base64', probeDir };
  // A speaker loops 20 s of speech.
  const frames = await pcmFrames(await longRecording(1), 20);
  const stack = await startBenchStack('gateway', scratch, {
    LIVE_IDLE_TIMEOUT_SECONDS: '60',
    // The bench looks for the largest N one instance relays in time: no admission limit.
    LIVE_MAX_SPEAKERS_PER_INSTANCE: '0',
    ...heapProbeEnv(options.probeDir),
  });
  const rows: Record<string, number | string>[] = [];
  let database: mongoose.Connection | undefined;
  try {
    const config = loadConfig(stack.env);
    const { key } = await provisionApiKey(config.mongodb.uri, 'bench-gateway');
    database = await mongoose.createConnection(config.mongodb.uri).asPromise();
    const liveSessions = new LiveSessionsRepository(database);
    const apiPid = stack.apps.find((app) => app.name === 'api')!.child.pid!;
    // Growth is counted from the API's RSS before any connection, so a later level cannot hide in memory an
    // earlier one left allocated: conservative for the small levels.
    const idleRss = processMemory(apiPid).rssMb;
    const idleLiveMb = await liveMemoryMb(apiPid, options.probeDir);
    const ramp: Ramp = { stack, apiPid, key, frames, options, config, liveSessions, idleRss, idleLiveMb };
    ramp: for (const n of levels) {
      for (let run = 1; run <= runs; run++) {
        const row = await measureLevel(ramp, n, runs > 1 ? run : undefined);
        report('gateway', 'failed' in row ? { ...row, failed: JSON.stringify(row.failed) } : row);
        rows.push(row);
        if ('failed' in row) break ramp;
        await sleep(3_000);
      }
    }
    // A level passes on the median of its runs' added p99 (the only run's, by default).
    const levelsP99 = levels
      .map((n) => ({
        speakers: n,
        p99s: rows
          .filter((row) => row.speakers === n && typeof row.added_p99_ms === 'number')
          .map((row) => row.added_p99_ms as number),
      }))
      .filter(({ p99s }) => p99s.length > 0)
      .map(({ speakers, p99s }) => ({
        speakers,
        median: median(p99s),
        low: Math.min(...p99s),
        high: Math.max(...p99s),
      }));
    if (runs > 1)
      for (const level of levelsP99)
        report('gateway', {
          speakers: level.speakers,
          runs,
          added_p99_median_ms: level.median,
          added_p99_min_ms: level.low,
          added_p99_max_ms: level.high,
        });
    const passing = levelsP99.filter((level) => level.median <= 20).map((level) => level.speakers);
    const summary = { largest_n_within_20ms_p99: passing.length ? Math.max(...passing) : 0, runs_per_level: runs };
    report('gateway', summary);
    const goal = '≥ 1,000 speakers at ≤ 20 ms p99 added latency, ≤ 100 KB per connection';
    process.stdout.write(`results: ${saveResults('gateway', { rows, summary, goal })}\n`);
  } finally {
    await database?.close();
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The middle value, or the mean of the middle two. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : round1((sorted[middle - 1]! + sorted[middle]!) / 2);
}

runBench('gateway', main);
