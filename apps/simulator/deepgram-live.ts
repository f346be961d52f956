import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { isSupportedLanguage } from '../../libs/contracts/languages';
import { SIMULATED_MODEL } from './deepgram-rest';
import type { FaultInjector } from './faults';
import { requestId } from './http-helpers';
import { wordsFor, type SimulatedWord } from './simulated-transcript';
import type { SimulatorStats } from './stats';
import { VoiceActivityDetector } from './voice-activity';

/** Deepgram closes a stream that sends neither audio nor a text message for this long (NET-0001). */
export const LIVE_IDLE_TIMEOUT_MS = 10_000;
/** A final result is forced once pending speech reaches this length, as Deepgram does. */
const MAX_PENDING_S = 6;

/** Why an upgrade to the live endpoint is refused, or undefined to accept it. */
export function liveRefusal(
  req: IncomingMessage,
  url: URL,
  faults: FaultInjector,
): { status: number; message: string } | undefined {
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const authorized =
    /^(Token|Bearer)\s+\S+/i.test(req.headers.authorization ?? '') || (protocols[0] === 'token' && protocols[1]);
  if (!authorized || faults.faultsOf('live').invalidKey)
    return { status: 401, message: 'Invalid credentials (simulated).' };
  const language = url.searchParams.get('language');
  if (language && !isSupportedLanguage(language))
    return { status: 400, message: `Unsupported language ${language} (simulated).` };
  const encoding = url.searchParams.get('encoding');
  if (encoding && encoding !== 'linear16')
    return { status: 400, message: 'The simulator accepts encoding=linear16 only.' };
  return undefined;
}

/**
 * One Deepgram live session: linear16 audio in; interim and final `Results`, `UtteranceEnd` and `Metadata`
 * out. Honors KeepAlive, Finalize and CloseStream, closes with 1011 after 10 s without any message.
 */
export function handleLiveSession(socket: WebSocket, url: URL, faults: FaultInjector, stats: SimulatorStats): void {
  const sampleRate = Number(url.searchParams.get('sample_rate') ?? 16_000);
  const language = url.searchParams.get('language') ?? 'en';
  const interim = url.searchParams.get('interim_results') === 'true';
  const endpointingS = Number(url.searchParams.get('endpointing') ?? 300) / 1000;
  const utteranceEndS = url.searchParams.has('utterance_end_ms')
    ? Number(url.searchParams.get('utterance_end_ms')) / 1000
    : undefined;
  const session = stats.openLive(requestId());
  const detector = new VoiceActivityDetector(sampleRate);
  const requestIdValue = session.id;
  let pending: SimulatedWord[] = [];
  let lastWordEnd: number | undefined;
  let utteranceEndSent = true;
  let cursor = 0;

  const sendJson = (message: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const results = (words: SimulatedWord[], isFinal: boolean, speechFinal: boolean, fromFinalize = false) => {
    const start = words[0]?.start ?? cursor;
    const end = isFinal ? (words.at(-1)?.end ?? detector.positionS) : detector.positionS;
    session.results++;
    sendJson({
      type: 'Results',
      channel_index: [0, 1],
      duration: Math.max(0, round(end - start)),
      start: round(start),
      is_final: isFinal,
      speech_final: speechFinal,
      ...(fromFinalize ? { from_finalize: true } : {}),
      channel: {
        alternatives: [
          {
            transcript: words.map((w) => w.word).join(' '),
            confidence: words.length ? 0.9 : 0,
            words: words.map((w) => ({ ...w, punctuated_word: w.word })),
          },
        ],
      },
      metadata: { request_id: requestIdValue, model_info: SIMULATED_MODEL, model_uuid: SIMULATED_MODEL.uuid },
    });
  };
  const finalize = (speechFinal: boolean, fromFinalize = false) => {
    if (pending.length === 0 && !fromFinalize) return;
    results(pending, true, speechFinal, fromFinalize);
    if (pending.length) lastWordEnd = pending.at(-1)!.end;
    cursor = pending.at(-1)?.end ?? cursor;
    pending = [];
    utteranceEndSent = false;
  };

  let idleTimer = setTimeout(
    () => closeByServer(1011, 'NET-0001: no audio or text message received within the timeout window (simulated)'),
    LIVE_IDLE_TIMEOUT_MS,
  );
  const touch = () => idleTimer.refresh();
  const dropAfter = faults.faultsOf('live').dropAfterMs;
  const dropTimer =
    dropAfter > 0
      ? setTimeout(() => {
          session.closedBy = 'server';
          socket.terminate();
        }, dropAfter)
      : undefined;

  function closeByServer(code: number, reason: string) {
    session.closedBy ??= 'server';
    socket.close(code, reason);
  }

  socket.on('message', (data, isBinary) => {
    touch();
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      session.audioBytes += buffer.length;
      const samples = new Int16Array(buffer.buffer, buffer.byteOffset, Math.floor(buffer.length / 2));
      const words = wordsFor(detector.push(samples), language);
      pending.push(...words);
      if (pending.length && detector.silenceS >= endpointingS) finalize(true);
      else if (pending.length && detector.positionS - pending[0]!.start >= MAX_PENDING_S) finalize(false);
      else if (words.length && interim) results(pending, false, false);
      if (
        utteranceEndS !== undefined &&
        !utteranceEndSent &&
        lastWordEnd !== undefined &&
        pending.length === 0 &&
        !detector.inWord
      ) {
        if (detector.positionS - lastWordEnd >= utteranceEndS) {
          sendJson({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: round(lastWordEnd) });
          utteranceEndSent = true;
        }
      }
      return;
    }
    let message: { type?: string };
    try {
      message = JSON.parse(buffer.toString('utf8')) as { type?: string };
    } catch {
      return closeByServer(1008, 'DATA-0000: invalid JSON text message (simulated)');
    }
    if (message.type === 'KeepAlive') return;
    if (message.type === 'Finalize') {
      pending.push(...wordsFor(detector.flush(), language));
      return finalize(true, true);
    }
    if (message.type === 'CloseStream') {
      session.closeStreamAt = Date.now();
      session.closedBy = 'client';
      pending.push(...wordsFor(detector.flush(), language));
      finalize(true);
      sendJson({
        type: 'Metadata',
        transaction_key: 'deprecated',
        request_id: requestIdValue,
        sha256: '',
        created: new Date(session.openedAt).toISOString(),
        duration: round(detector.positionS),
        channels: 1,
        models: [SIMULATED_MODEL.uuid],
        model_info: { [SIMULATED_MODEL.uuid]: SIMULATED_MODEL },
      });
      return socket.close(1000);
    }
  });

  socket.once('close', (code) => {
    clearTimeout(idleTimer);
    clearTimeout(dropTimer);
    session.closedAt = Date.now();
    session.closeCode = code;
    session.closedBy ??= 'client';
  });
  socket.once('error', () => undefined);
  idleTimer = idleTimer.ref();
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
