import { createReadStream } from 'node:fs';
import { DeepgramClient, DeepgramError, DeepgramTimeoutError } from '@deepgram/sdk';
import { deepgramEnvironment } from './deepgram-environment';
import { classifyHttpFailure, networkFailure } from './provider-error';
import {
  SIMULATED_HEADER,
  type ChunkTranscript,
  type SpeechToTextProvider,
  type TranscribeRequest,
} from './transcript';

export interface DeepgramSttOptions {
  apiKey: string;
  baseUrl?: string;
  /** Default nova-3. */
  model?: string;
  timeoutMs?: number;
}

interface DeepgramWord {
  word?: string;
  punctuated_word?: string;
  start?: number;
  end?: number;
  confidence?: number;
  speaker?: number;
}

/** Deepgram pre-recorded `/v1/listen` through the official SDK; utterances become segments. */
export class DeepgramSttProvider implements SpeechToTextProvider {
  readonly name = 'deepgram' as const;
  readonly maxFileBytes = 2 * 1024 ** 3;
  private readonly client: DeepgramClient;
  private readonly model: string;
  private readonly timeoutS: number;

  constructor(options: DeepgramSttOptions) {
    this.client = new DeepgramClient({
      apiKey: options.apiKey,
      environment: deepgramEnvironment(options.baseUrl),
      maxRetries: 0,
    });
    this.model = options.model ?? 'nova-3';
    this.timeoutS = Math.ceil((options.timeoutMs ?? 10 * 60_000) / 1000);
  }

  async transcribe(request: TranscribeRequest): Promise<ChunkTranscript> {
    try {
      const { data, rawResponse } = await this.client.listen.v1.media
        .transcribeFile(
          createReadStream(request.filePath),
          {
            model: this.model,
            language: request.language ?? undefined,
            detect_language: request.language ? undefined : true,
            punctuate: true,
            smart_format: true,
            utterances: true,
          },
          { abortSignal: request.signal, timeoutInSeconds: this.timeoutS, maxRetries: 0 },
        )
        .withRawResponse();
      if (!('results' in data)) throw new Error('Deepgram accepted the request for a callback instead of answering');
      const channel = data.results.channels[0];
      const best = channel?.alternatives?.[0];
      const words = ((best?.words ?? []) as DeepgramWord[]).map((w) => ({
        start: w.start ?? 0,
        end: w.end ?? 0,
        word: (w.punctuated_word ?? w.word ?? '').trim(),
        confidence: w.confidence,
        speaker: w.speaker,
      }));
      const utterances = data.results.utterances ?? [];
      const segments = utterances.length
        ? utterances.map((u) => ({
            start: u.start ?? 0,
            end: u.end ?? 0,
            text: (u.transcript ?? '').trim(),
            speaker: u.speaker,
          }))
        : best?.transcript
          ? [
              {
                start: words[0]?.start ?? 0,
                end: words.at(-1)?.end ?? data.metadata.duration,
                text: best.transcript.trim(),
              },
            ]
          : [];
      return {
        text: (best?.transcript ?? '').trim(),
        language: channel?.detected_language ?? request.language,
        durationS: data.metadata.duration,
        segments,
        words,
        model: data.metadata.models[0] ?? this.model,
        simulated: rawResponse.headers.get(SIMULATED_HEADER) === 'true',
      };
    } catch (error) {
      throw toProviderError(error, request.signal);
    }
  }
}

function toProviderError(error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return error;
  if (error instanceof DeepgramTimeoutError) return networkFailure('deepgram', error);
  if (error instanceof DeepgramError && error.statusCode !== undefined) {
    const body = error.body as { err_msg?: string; message?: string } | undefined;
    const detail = body?.err_msg ?? body?.message ?? error.message;
    return classifyHttpFailure('deepgram', error.statusCode, detail, error.rawResponse?.headers.get('retry-after'));
  }
  return networkFailure('deepgram', error);
}
