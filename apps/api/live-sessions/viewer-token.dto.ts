import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { VIEWER_TOKEN_TTL_S } from '../../../libs/live/live-sessions.service';

export class CreateViewerTokenDto {
  @ApiPropertyOptional({
    minimum: 60,
    maximum: VIEWER_TOKEN_TTL_S.max,
    default: VIEWER_TOKEN_TTL_S.default,
    description: 'How long the token may watch, in seconds.',
  })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(VIEWER_TOKEN_TTL_S.max)
  ttl_seconds?: number;
}
