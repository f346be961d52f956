import { setTimeout as sleep } from 'node:timers/promises';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { pcmFrames, SILENCE_FRAME } from '../support/live-audio';
import { liveClient, type LiveClient } from '../support/live-client';
import { waitUntil } from '../support/wait-until';

describe('live speakers per API instance (LIVE_MAX_SPEAKERS_PER_INSTANCE)', () => {
  let api: ApiHarness;
  let key: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApiHarness({ LIVE_MAX_SPEAKERS_PER_INSTANCE: '2' });
    ({ key } = await api.tenant());
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await api?.close();
  });

  const speaker = () => {
    const client = liveClient(api.baseUrl, '/audio-stream', { token: key, lang: 'en' });
    clients.push(client);
    return client;
  };
  const refusals = async () =>
    Number(
      /^voxflow_live_speakers_refused_total(?:\{[^}]*\})? (\d+)$/m.exec(
        await (await fetch(`${api.baseUrl}/metrics`)).text(),
      )?.[1],
    );

  it('refuses a speaker beyond the limit with server_busy, without disturbing the sessions it relays', async () => {
    const [first, second] = [speaker(), speaker()];
    await Promise.all([first.waitFor('connected'), second.waitFor('connected')]);

    const third = speaker();
    expect(await third.waitFor('error')).toMatchObject({
      code: 'server_busy',
      message: expect.stringContaining('limit of 2 live sessions'),
    });
    await waitUntil('the refused speaker is disconnected', () => third.disconnectedAt);
    expect(third.of('connected')).toEqual([]);
    expect(await refusals()).toBe(1);

    // The running sessions still caption.
    for (const frame of [...(await pcmFrames(4)), ...Array<Buffer>(12).fill(SILENCE_FRAME)]) {
      first.socket.emit('audio_chunk', frame);
      await sleep(20);
    }
    expect(await first.waitFor('transcription', (t) => t.is_final === true)).toBeTruthy();

    // A slot freed by a speaker leaving is taken by the next one (once the server has seen it leave).
    second.close();
    const admitted = await waitUntil('a speaker admitted after one left', async () => {
      const next = speaker();
      const reply = await waitUntil('connected or refused', () =>
        next.events.find((e) => e.name === 'connected' || e.name === 'error'),
      );
      return reply.name === 'connected' && reply;
    });
    expect(admitted.payload).toMatchObject({ session_id: expect.stringMatching(/^live_/) });
  });
});
