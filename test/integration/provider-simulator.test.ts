import { DeepgramClient } from '@deepgram/sdk';
import { openAsBlob, readFileSync } from 'node:fs';
import { createProviderSimulator, type ProviderSimulator } from '../../apps/simulator/simulator-server';
import { deepgramEnvironment } from '../../libs/providers/deepgram-environment';
import { SIMULATED_HEADER } from '../../libs/providers/transcript';
import { speechRecording } from '../support/audio-fixtures';
import { waitUntil } from '../support/wait-until';

describe('provider simulator wire formats', () => {
  let simulator: ProviderSimulator;
  let url: string;

  beforeAll(async () => {
    simulator = createProviderSimulator();
    url = await simulator.listen(0);
  });

  afterAll(async () => {
    await simulator?.close();
  });

  const transcribe = async (format: string, file?: Blob) => {
    const form = new FormData();
    form.append('file', file ?? (await openAsBlob(await speechRecording(20, 'wav'))), 'a.wav');
    form.append('model', 'whisper-1');
    form.append('response_format', format);
    return fetch(`${url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test' },
      body: form,
    });
  };

  it('answers OpenAI transcriptions as text, srt and vtt, deterministically and labelled simulated', async () => {
    const text = await transcribe('text');
    expect(text.headers.get(SIMULATED_HEADER)).toBe('true');
    const body = await text.text();
    expect(body.trim().split(' ').length).toBeGreaterThan(10);
    expect(await (await transcribe('text')).text()).toBe(body);
    expect(await (await transcribe('srt')).text()).toMatch(/^1\n00:00:0\d,\d{3} --> 00:00:\d\d,\d{3}\n\S/);
    expect(await (await transcribe('vtt')).text()).toMatch(/^WEBVTT\n\n00:00:0\d\.\d{3} --> /);
  });

  it('refuses files over 25 MiB with 413, like OpenAI', async () => {
    const response = await transcribe('json', new Blob([new Uint8Array(25 * 1024 * 1024 + 1)]));
    expect(response.status).toBe(413);
  });

  it('streams live captions through the real Deepgram SDK: interim and final Results, UtteranceEnd, Metadata on CloseStream', async () => {
    const client = new DeepgramClient({ apiKey: 'dg-test', environment: deepgramEnvironment(url) });
    const socket = await client.listen.v1.connect({
      model: 'nova-3',
      language: 'en',
      encoding: 'linear16',
      sample_rate: 16000,
      channels: 1,
      interim_results: 'true',
      endpointing: 300,
      utterance_end_ms: 1000,
      Authorization: 'Token dg-test',
      reconnectAttempts: 0,
    });
    const messages: { type: string; is_final?: boolean; channel?: { alternatives: { transcript: string }[] } }[] = [];
    socket.on('message', (message) => messages.push(message as (typeof messages)[number]));
    const closed = new Promise<number>((resolvePromise) => socket.on('close', (event) => resolvePromise(event.code)));
    socket.connect();
    await socket.waitForOpen();

    // 100 ms frames of 16 kHz PCM16, from a WAV (header skipped), then a second of silence.
    const wav = readFileSync(await speechRecording(20, 'wav'));
    const { execFileSync } = await import('node:child_process');
    const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', '-', '-f', 's16le', '-ac', '1', '-ar', '16000', '-'], {
      input: wav,
      maxBuffer: 64 * 1024 * 1024,
    });
    for (let offset = 0; offset < pcm.length; offset += 3200) socket.sendMedia(pcm.subarray(offset, offset + 3200));
    for (let i = 0; i < 15; i++) socket.sendMedia(new Uint8Array(3200));
    await waitUntil('final results', () => messages.some((m) => m.type === 'Results' && m.is_final), 10_000);
    socket.sendCloseStream({ type: 'CloseStream' });
    expect(await closed).toBe(1000);

    const results = messages.filter((m) => m.type === 'Results');
    expect(results.some((m) => !m.is_final)).toBe(true);
    expect(
      results
        .filter((m) => m.is_final)
        .map((m) => m.channel!.alternatives[0]!.transcript)
        .join(' ')
        .split(' ').length,
    ).toBeGreaterThan(10);
    expect(messages.some((m) => m.type === 'UtteranceEnd')).toBe(true);
    expect(messages.at(-1)!.type).toBe('Metadata');
    const session = await waitUntil('the simulator to record the close', () =>
      simulator.stats.live.find((s) => s.closedAt !== undefined),
    );
    expect(session).toMatchObject({ closeCode: 1000, closedBy: 'client', audioBytes: pcm.length + 15 * 3200 });
  });
});
