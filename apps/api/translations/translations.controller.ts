import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { TranslateTextDto } from './translate-text.dto';
import { TranslationsService } from './translations.service';
import { RequireScope } from '../auth/require-scope.decorator';

@ApiTags('translations')
@ApiSecurity('api-key')
@Controller('translations')
export class TranslationsController {
  constructor(private readonly translations: TranslationsService) {}

  @Post()
  @RequireScope('jobs:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Translate text now (line for line) with OpenAI or DeepSeek.' })
  translate(@Body() dto: TranslateTextDto) {
    return this.translations.translate(dto);
  }
}
