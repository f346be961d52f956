import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { TRANSLATION_PROVIDERS, type TranslationProviderName } from '../../../libs/contracts/job';
import { LANGUAGE_CODES } from '../../../libs/contracts/languages';

export const MAX_TRANSLATION_CHARS = 20_000;
const languageMessage = `$property must be one of the supported languages: ${LANGUAGE_CODES.join(', ')}`;

export class TranslateTextDto {
  @ApiProperty({ maxLength: MAX_TRANSLATION_CHARS, description: 'Lines are translated one for one.' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TRANSLATION_CHARS)
  text!: string;

  @ApiProperty({ enum: LANGUAGE_CODES })
  @IsIn(LANGUAGE_CODES, { message: languageMessage })
  target_language!: string;

  @ApiPropertyOptional({ enum: LANGUAGE_CODES })
  @IsOptional()
  @IsIn(LANGUAGE_CODES, { message: languageMessage })
  source_language?: string;

  @ApiPropertyOptional({ enum: TRANSLATION_PROVIDERS, default: 'openai' })
  @IsOptional()
  @IsIn(TRANSLATION_PROVIDERS)
  provider?: TranslationProviderName;
}
