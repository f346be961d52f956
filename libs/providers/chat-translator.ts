import OpenAI from 'openai';
import { JOB_ERROR_CODES } from '../contracts/job';
import { SUPPORTED_LANGUAGES } from '../contracts/languages';
import { classifyHttpFailure, networkFailure, ProviderError } from './provider-error';
import { SIMULATED_HEADER } from './transcript';

export interface TranslateBatchRequest {
  /** Lines to translate; the answer must have exactly as many, in the same order. */
  lines: string[];
  targetLanguage: string;
  sourceLanguage?: string;
  signal?: AbortSignal;
}

export interface TranslateBatchResult {
  lines: string[];
  model: string;
  simulated: boolean;
}

export interface ChatTranslatorOptions {
  name: 'openai' | 'deepseek';
  apiKey: string;
  baseUrl?: string;
  model: string;
  timeoutMs?: number;
}

/** Models known to each OpenAI-compatible translation provider. */
export const DEFAULT_TRANSLATION_MODELS = { openai: 'gpt-4o-mini', deepseek: 'deepseek-chat' } as const;
export const DEEPSEEK_DEFAULT_BASE_URL = 'https://api.deepseek.com';

/** A reply whose line count differs from the request: retried with smaller batches, never used misaligned. */
export class MisalignedTranslationError extends Error {
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`expected ${expected} translated lines, got ${received}`);
  }
}

/**
 * Segment-aligned translation through an OpenAI-compatible chat API (OpenAI, DeepSeek). Lines go out and
 * come back as a JSON object {"lines": [...]}: the count is checked, so a model merging or splitting lines
 * is detected instead of silently shifting every subtitle after it.
 */
export class ChatTranslator {
  readonly name: 'openai' | 'deepseek';
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(options: ChatTranslatorOptions) {
    this.name = options.name;
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  async translate(request: TranslateBatchRequest): Promise<TranslateBatchResult> {
    const target =
      SUPPORTED_LANGUAGES[request.targetLanguage as keyof typeof SUPPORTED_LANGUAGES] ?? request.targetLanguage;
    const source = request.sourceLanguage
      ? (SUPPORTED_LANGUAGES[request.sourceLanguage as keyof typeof SUPPORTED_LANGUAGES] ?? request.sourceLanguage)
      : 'the source language';
    let completion;
    try {
      completion = await this.client.chat.completions
        .create(
          {
            model: this.model,
            temperature: 0,
            response_format: { type: 'json_object' },
            messages: [
              {
                role: 'system',
                content:
                  `You translate subtitle lines from ${source} to ${target}. ` +
                  'Reply with a JSON object {"lines": [...]} holding exactly one translated string per input line, ' +
                  'in the same order. Never merge, split, skip or add lines. Keep names and numbers.',
              },
              {
                role: 'user',
                content: JSON.stringify({ target_language: request.targetLanguage, lines: request.lines }),
              },
            ],
          },
          { signal: request.signal },
        )
        .withResponse();
    } catch (error) {
      if (error instanceof OpenAI.APIUserAbortError) throw error;
      if (error instanceof OpenAI.APIError && error.status !== undefined) {
        throw classifyHttpFailure(this.name, error.status, error.message, error.headers?.get('retry-after'));
      }
      throw networkFailure(this.name, error);
    }
    const content = completion.data.choices[0]?.message.content ?? '';
    const lines = parseLines(content);
    if (!lines) {
      throw new ProviderError(JOB_ERROR_CODES.translationFailed, `${this.name} replied without a JSON lines array`, {
        provider: this.name,
        retryable: true,
      });
    }
    if (lines.length !== request.lines.length) throw new MisalignedTranslationError(request.lines.length, lines.length);
    return {
      lines,
      model: completion.data.model || this.model,
      simulated: completion.response.headers.get(SIMULATED_HEADER) === 'true',
    };
  }
}

function parseLines(content: string): string[] | undefined {
  try {
    const parsed = JSON.parse(content) as { lines?: unknown } | unknown[];
    const lines = Array.isArray(parsed) ? parsed : parsed.lines;
    return Array.isArray(lines) && lines.every((line) => typeof line === 'string') ? lines : undefined;
  } catch {
    return undefined;
  }
}
