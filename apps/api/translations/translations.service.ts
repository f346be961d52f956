import { HttpStatus, Injectable } from '@nestjs/common';
import { JOB_ERROR_CODES } from '../../../libs/contracts/job';
import { PIPELINE } from '../../../libs/contracts/pipeline';
import { MisalignedTranslationError } from '../../../libs/providers/chat-translator';
import { ProviderError } from '../../../libs/providers/provider-error';
import { ProviderRegistry } from '../../../libs/providers/provider-registry';
import { ApiError } from '../common/api-error';
import type { TranslateTextDto } from './translate-text.dto';

/** Synchronous text translation through the same translators the pipeline uses. */
@Injectable()
export class TranslationsService {
  constructor(private readonly providers: ProviderRegistry) {}

  async translate(dto: TranslateTextDto) {
    const provider = dto.provider ?? 'openai';
    if (!this.providers.configured().translation.includes(provider)) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        `The provider "${provider}" is not configured on this server.`,
        'provider_not_configured',
      );
    }
    const translator = this.providers.translator(provider);
    const lines = dto.text.split('\n');
    const translated: string[] = [];
    let simulated = false;
    try {
      for (let start = 0; start < lines.length; start += PIPELINE.translationBatchLines) {
        const batch = lines.slice(start, start + PIPELINE.translationBatchLines);
        const result = await translator.translate({
          lines: batch,
          targetLanguage: dto.target_language,
          sourceLanguage: dto.source_language,
        });
        translated.push(...result.lines);
        simulated ||= result.simulated;
      }
    } catch (error) {
      throw toHttpError(error);
    }
    return {
      text: translated.join('\n'),
      target_language: dto.target_language,
      source_language: dto.source_language ?? null,
      provider,
      simulated,
    };
  }
}

function toHttpError(error: unknown): unknown {
  if (error instanceof MisalignedTranslationError) {
    return new ApiError(
      HttpStatus.BAD_GATEWAY,
      'The provider returned a translation that does not line up; retry.',
      'translation_misaligned',
    );
  }
  if (!(error instanceof ProviderError)) return error;
  if (error.code === JOB_ERROR_CODES.providerRateLimited) {
    const retryAfter = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
    return new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'The translation provider is rate limiting; retry later.',
      'provider_rate_limited',
      undefined,
      {
        'retry-after': retryAfter,
      },
    );
  }
  if (error.code === JOB_ERROR_CODES.providerUnavailable) {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'The translation provider is unavailable; retry later.',
      'provider_unavailable',
    );
  }
  return new ApiError(HttpStatus.BAD_GATEWAY, `The translation provider refused: ${error.message}`, error.code);
}
