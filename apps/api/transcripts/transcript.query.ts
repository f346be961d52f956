import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LANGUAGE_CODES } from '../../../libs/contracts/languages';
import { EXPORT_FORMATS, type ExportFormat } from '../../../libs/transcripts/export-formats';

export class TranscriptQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: LANGUAGE_CODES, description: 'The original language (default) or a translation.' })
  @IsOptional()
  @IsIn(LANGUAGE_CODES, { message: `lang must be a supported language: ${LANGUAGE_CODES.join(', ')}` })
  lang?: string;
}
