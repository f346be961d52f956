import type { AppConfig } from '../config';
import { JOB_ERROR_CODES, type SttProviderName, type TranslationProviderName } from '../contracts/job';
import { ChatTranslator, DEEPSEEK_DEFAULT_BASE_URL, DEFAULT_TRANSLATION_MODELS } from './chat-translator';
import type * as DeepgramSttModule from './deepgram-stt.provider';
import { OpenAiSttProvider } from './openai-stt.provider';
import { ProviderError } from './provider-error';
import type { SpeechToTextProvider } from './transcript';

/** A translation request is a few kilobytes of text: two minutes without an answer is a failure. */
const TRANSLATION_TIMEOUT_MS = 120_000;

const KEY_VARIABLE = { openai: 'OPENAI_API_KEY', deepgram: 'DEEPGRAM_API_KEY', deepseek: 'DEEPSEEK_API_KEY' } as const;

/**
 * The Deepgram SDK is some 500 modules (~8 MB of a worker's memory): a worker loads it with its first
 * Deepgram job, so workers that never run one do not carry it.
 */
function deepgramStt(options: DeepgramSttModule.DeepgramSttOptions): SpeechToTextProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  const { DeepgramSttProvider } = require('./deepgram-stt.provider') as typeof DeepgramSttModule;
  return new DeepgramSttProvider(options);
}

/** Builds each provider client once per worker from the validated config. */
export class ProviderRegistry {
  private readonly stts = new Map<SttProviderName, SpeechToTextProvider>();
  private readonly translators = new Map<TranslationProviderName, ChatTranslator>();

  constructor(private readonly providers: AppConfig['providers']) {}

  /** Which providers have credentials here (the API refuses jobs naming any other). */
  configured(): { stt: SttProviderName[]; translation: TranslationProviderName[] } {
    return {
      stt: (['openai', 'deepgram'] as const).filter((name) => this.providers[name].apiKey),
      translation: (['openai', 'deepseek'] as const).filter((name) => this.providers[name].apiKey),
    };
  }

  stt(name: SttProviderName): SpeechToTextProvider {
    let provider = this.stts.get(name);
    if (!provider) {
      const options = { ...this.credentials(name), timeoutMs: this.providers.timeoutMs };
      provider = name === 'openai' ? new OpenAiSttProvider(options) : deepgramStt(options);
      this.stts.set(name, provider);
    }
    return provider;
  }

  translator(name: TranslationProviderName): ChatTranslator {
    let translator = this.translators.get(name);
    if (!translator) {
      const { apiKey, baseUrl } = this.credentials(name);
      translator = new ChatTranslator({
        name,
        apiKey,
        baseUrl: baseUrl ?? (name === 'deepseek' ? DEEPSEEK_DEFAULT_BASE_URL : undefined),
        model: DEFAULT_TRANSLATION_MODELS[name],
        timeoutMs: Math.min(TRANSLATION_TIMEOUT_MS, this.providers.timeoutMs),
      });
      this.translators.set(name, translator);
    }
    return translator;
  }

  private credentials(name: keyof typeof KEY_VARIABLE): { apiKey: string; baseUrl?: string } {
    const { apiKey, baseUrl } = this.providers[name];
    if (!apiKey) {
      throw new ProviderError(JOB_ERROR_CODES.providerAuth, `${name} is not configured: set ${KEY_VARIABLE[name]}`, {
        provider: name,
        retryable: false,
      });
    }
    return { apiKey, baseUrl };
  }
}
