import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSupportedLanguage } from '../../libs/contracts/languages';
import type { FaultInjector } from './faults';
import { PayloadTooLargeError, readBody, requestId, send, sha256 } from './http-helpers';
import { applyFault, Refusal, serveSimulated, type ProviderRefusals } from './simulated-route';
import { decodeAudio, simulateTranscript } from './simulated-transcript';
import type { SimulatorStats } from './stats';

const MAX_BODY_BYTES = 512 * 1024 * 1024;
export const SIMULATED_MODEL = {
  name: 'nova-3',
  version: 'simulated',
  arch: 'simulator',
  uuid: '00000000-0000-4000-8000-5157deeb0000',
};

function deepgramError(res: ServerResponse, status: number, code: string, message: string, retryAfterS?: number): void {
  if (retryAfterS !== undefined) res.setHeader('retry-after', String(retryAfterS));
  send(res, status, { err_code: code, err_msg: message, request_id: requestId() });
}

/** A refusal worded as Deepgram words it. */
const refuse = (status: number, code: string, message: string, retryAfterS?: number) =>
  new Refusal(status, (res) => deepgramError(res, status, code, message, retryAfterS));

const DEEPGRAM_REFUSALS: ProviderRefusals = {
  unauthenticated: refuse(401, 'INVALID_AUTH', 'Missing credentials (simulated).'),
  fault: ({ status, retryAfterS }) => {
    if (status === 401) return refuse(401, 'INVALID_AUTH', 'Invalid credentials (simulated).');
    if (status === 429) return refuse(429, 'TOO_MANY_REQUESTS', 'Too many requests (simulated).', retryAfterS);
    return refuse(status!, 'INTERNAL_SERVER_ERROR', `Simulated ${status}.`);
  },
};

/** Deepgram pre-recorded `POST /v1/listen` with a raw audio body. */
export function handleListen(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  faults: FaultInjector,
  stats: SimulatorStats,
): Promise<void> {
  return serveSimulated('listen', req, res, stats, DEEPGRAM_REFUSALS, async () => {
    const body = await readBody(req, MAX_BODY_BYTES).catch((error: unknown) => {
      throw refuse(
        error instanceof PayloadTooLargeError ? 413 : 400,
        'PAYLOAD_ERROR',
        'Request body rejected (simulated).',
      );
    });
    const language = url.searchParams.get('language') ?? undefined;
    if (language && !isSupportedLanguage(language)) {
      throw refuse(400, 'Bad Request', `No such model/language combination: nova-3/${language} (simulated).`);
    }
    const pcm = await decodeAudio(body).catch(() => {
      throw refuse(
        400,
        'Bad Request',
        'Bad Request: failed to process audio: corrupt or unsupported data (simulated).',
      );
    });
    const transcript = simulateTranscript(pcm, language ?? 'en');
    if (!(await applyFault(req, faults.decide('listen', transcript.durationS), DEEPGRAM_REFUSALS))) return;
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
  });
}
