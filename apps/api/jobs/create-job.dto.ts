import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import {
  JOB_PRIORITIES,
  JOB_RETENTIONS,
  STT_PROVIDERS,
  TRANSLATION_PROVIDERS,
  type JobPriority,
  type JobRetention,
  type SttProviderName,
  type TranslationProviderName,
} from '../../../libs/contracts/job';
import { LANGUAGE_CODES } from '../../../libs/contracts/languages';

export const METADATA_MAX_BYTES = 4096;
const METADATA_MAX_DEPTH = 5;
export const MAX_TRANSLATIONS = 5;

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

/** Keys a stored document may not carry: MongoDB operators and paths (prototype names: see validation.ts). */
const UNSAFE_KEY = /^\$|\./;

function hasUnsafeKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, inner]) => UNSAFE_KEY.test(key) || hasUnsafeKey(inner));
}

/** A JSON object within METADATA_MAX_BYTES and METADATA_MAX_DEPTH whose keys neither start with `$` nor contain `.`. */
function IsSmallJsonObject(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSmallJsonObject',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be a JSON object of at most ${METADATA_MAX_BYTES} bytes and ${METADATA_MAX_DEPTH} levels, with no key starting with "$" or containing "."`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES &&
          depthOf(value) <= METADATA_MAX_DEPTH &&
          !hasUnsafeKey(value),
      },
    });
}

const languageMessage = `$property must be one of the supported languages: ${LANGUAGE_CODES.join(', ')}`;

/** `POST /v1/jobs`: the JSON body, or the fields of a multipart upload (with `file`). */
export class CreateJobDto {
  @ApiPropertyOptional({ description: 'http(s) URL of the audio or video; or send a multipart `file` instead.' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  audio_url?: string;

  @ApiPropertyOptional({ enum: LANGUAGE_CODES, description: 'Spoken language; omit to detect it.' })
  @IsOptional()
  @IsIn(LANGUAGE_CODES, { message: languageMessage })
  language?: string;

  @ApiPropertyOptional({ enum: STT_PROVIDERS, default: 'openai' })
  @IsOptional()
  @IsIn(STT_PROVIDERS)
  provider?: SttProviderName;

  @ApiPropertyOptional({ enum: STT_PROVIDERS, isArray: true, description: 'Tried in order when the provider fails.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(STT_PROVIDERS.length)
  @ArrayUnique()
  @IsIn(STT_PROVIDERS, { each: true })
  fallback_providers?: SttProviderName[];

  @ApiPropertyOptional({ enum: LANGUAGE_CODES, isArray: true, maxItems: MAX_TRANSLATIONS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TRANSLATIONS)
  @ArrayUnique()
  @IsIn(LANGUAGE_CODES, {
    each: true,
    message: `each value in translate_to must be a supported language: ${LANGUAGE_CODES.join(', ')}`,
  })
  translate_to?: string[];

  @ApiPropertyOptional({ enum: TRANSLATION_PROVIDERS, default: 'openai' })
  @IsOptional()
  @IsIn(TRANSLATION_PROVIDERS)
  translation_provider?: TranslationProviderName;

  @ApiPropertyOptional({ description: 'Receives a signed job.completed / job.failed / job.cancelled event.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  webhook_url?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Yours, returned as is (≤ 4 KB).' })
  @IsOptional()
  @IsObject()
  @IsSmallJsonObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: JOB_PRIORITIES, default: 'normal' })
  @IsOptional()
  @IsIn(JOB_PRIORITIES)
  priority?: JobPriority;

  @ApiPropertyOptional({
    enum: JOB_RETENTIONS,
    default: 'default',
    description:
      '`none`: media and transcripts are removed as soon as the final webhook is delivered (needs webhook_url; ' +
      'the receiver reads the transcript before it answers 2xx).',
  })
  @IsOptional()
  @IsIn(JOB_RETENTIONS)
  retention?: JobRetention;
}

export class JobAcceptedDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'queued' }) status!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty({ example: { self: '…/v1/jobs/job_…', transcript: '…/transcript' } })
  links!: Record<string, string>;
}
