import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSupportedLanguage } from '../../libs/contracts/languages';
import type { FaultDecision, FaultInjector } from './faults';
import { bearerToken, delay, PayloadTooLargeError, readBody, requestId, send, sha256 } from './http-helpers';
import { decodeAudio, simulateTranscript } from './simulated-transcript';
import type { SimulatorStats } from './stats';

const MAX_BODY_BYTES = 512 * 1024 * 1024;
export const SIMULATED_MODEL = {
  name: 'nova-3',
  version: 'simulated',
  arch: 'simulator',
  uuid: '00000000-0000-4000-8000-5157deeb0000',
};

export function deepgramError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  retryAfterS?: number,
): void {
  if (retryAfterS !== undefined) res.setHeader('retry-after', String(retryAfterS));
  send(res, status, { err_code: code, err_msg: message, request_id: requestId() });
}

function failWith(res: ServerResponse, decision: FaultDecision): void {
  const status = decision.status!;
  if (status === 401) return deepgramError(res, 401, 'INVALID_AUTH', 'Invalid credentials (simulated).');
  if (status === 429)
    return deepgramError(res, 429, 'TOO_MANY_REQUESTS', 'Too many requests (simulated).', decision.retryAfterS);
  deepgramError(res, status, 'INTERNAL_SERVER_ERROR', `Simulated ${status}.`);
}

/** Deepgram pre-recorded `POST /v1/listen` with a raw audio body. */
export async function handleListen(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  faults: FaultInjector,
  stats: SimulatorStats,
): Promise<void> {
  const end = stats.begin('listen');
  try {
    if (!bearerToken(req)) {
      stats.failed('listen', 401);
      return deepgramError(res, 401, 'INVALID_AUTH', 'Missing credentials (simulated).');
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      const status = error instanceof PayloadTooLargeError ? 413 : 400;
      stats.failed('listen', status);
      return deepgramError(res, status, 'PAYLOAD_ERROR', 'Request body rejected (simulated).');
    }
    const language = url.searchParams.get('language') ?? undefined;
    if (language && !isSupportedLanguage(language)) {
      stats.failed('listen', 400);
      return deepgramError(
        res,
        400,
        'Bad Request',
        `No such model/language combination: nova-3/${language} (simulated).`,
      );
    }
    let pcm;
    try {
      pcm = await decodeAudio(body);
    } catch {
      stats.failed('listen', 400);
      return deepgramError(
        res,
        400,
        'Bad Request',
        'Bad Request: failed to process audio: corrupt or unsupported data (simulated).',
      );
    }
    const transcript = simulateTranscript(pcm, language ?? 'en');
    const decision = faults.decide('listen', transcript.durationS);
    await delay(decision.delayMs, req);
    if (req.socket.destroyed) return;
    if (decision.status) {
      stats.failed('listen', decision.status);
      return failWith(res, decision);
    }
    const fingerprint = sha256(body);
    stats.succeeded('listen', transcript.durationS, fingerprint);
    const words = transcript.words.map((w) => ({ ...w, punctuated_word: w.word, speaker: 0 }));
    send(res, 200, {
      metadata: {
        request_id: requestId(),
        sha256: fingerprint,
        created: new Date().toISOString(),
        duration: transcript.durationS,
        channels: 1,
        models: [SIMULATED_MODEL.uuid],
        model_info: { [SIMULATED_MODEL.uuid]: SIMULATED_MODEL },
        tags: ['simulated'],
      },
      results: {
        channels: [
          {
            alternatives: [{ transcript: transcript.text, confidence: 0.9, words }],
            ...(url.searchParams.get('detect_language') === 'true'
              ? { detected_language: transcript.language, language_confidence: 0.9 }
              : {}),
          },
        ],
        utterances:
          url.searchParams.get('utterances') === 'true'
            ? transcript.segments.map((s, i) => ({
                start: s.start,
                end: s.end,
                confidence: 0.9,
                channel: 0,
                transcript: s.text,
                words: s.words.map((w) => ({ ...w, punctuated_word: w.word, speaker: 0 })),
                speaker: 0,
                id: `utt-${i}`,
              }))
            : undefined,
      },
    });
  } finally {
    end();
  }
}
