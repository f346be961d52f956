import { createReadStream } from 'node:fs';
import OpenAI from 'openai';
import { SUPPORTED_LANGUAGES } from '../contracts/languages';
import { classifyHttpFailure, networkFailure } from './provider-error';
import {
  SIMULATED_HEADER,
  type ChunkTranscript,
  type SpeechToTextProvider,
  type TranscribeRequest,
} from './transcript';

const LANGUAGE_BY_NAME = new Map(Object.entries(SUPPORTED_LANGUAGES).map(([code, name]) => [name.toLowerCase(), code]));

export interface OpenAiSttOptions {
  apiKey: string;
  /** OpenAI by default; any Whisper-compatible server (Groq, a local whisper server, the simulator). */
  baseUrl?: string;
  /** Default whisper-1: the model that returns segment and word timestamps. */
  model?: string;
  timeoutMs?: number;
}

interface VerboseTranscription {
  text: string;
  language?: string;
  duration?: number;
  segments?: { start: number; end: number; text: string }[];
  words?: { start: number; end: number; word: string }[];
}

/** OpenAI-compatible `/audio/transcriptions` with verbose_json (segments and words). */
export class OpenAiSttProvider implements SpeechToTextProvider {
  readonly name = 'openai' as const;
  readonly maxFileBytes = 25 * 1024 * 1024;
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(options: OpenAiSttOptions) {
    // Temporal retries the activity with backoff and Retry-After; SDK retries would hide and multiply them.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 10 * 60_000,
    });
    this.model = options.model ?? 'whisper-1';
  }

  async transcribe(request: TranscribeRequest): Promise<ChunkTranscript> {
    try {
      const { data, response } = await this.client.audio.transcriptions
        .create(
          {
            file: createReadStream(request.filePath),
            model: this.model,
            language: request.language ?? undefined,
            response_format: 'verbose_json',
            timestamp_granularities: ['segment', 'word'],
          },
          { signal: request.signal },
        )
        .withResponse();
      const body = data as unknown as VerboseTranscription;
      const language =
        body.language?.length === 2 ? body.language : LANGUAGE_BY_NAME.get(body.language?.toLowerCase() ?? '');
      return {
        text: body.text.trim(),
        language: language ?? request.language,
        durationS: body.duration ?? body.segments?.at(-1)?.end ?? 0,
        segments: (body.segments ?? []).map((s) => ({ start: s.start, end: s.end, text: s.text.trim() })),
        words: (body.words ?? []).map((w) => ({ start: w.start, end: w.end, word: w.word.trim() })),
        model: this.model,
        simulated: response.headers.get(SIMULATED_HEADER) === 'true',
      };
    } catch (error) {
      throw toProviderError(error);
    }
  }
}

function toProviderError(error: unknown): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    return classifyHttpFailure('openai', error.status, error.message, error.headers?.get('retry-after'));
  }
  return networkFailure('openai', error);
}
