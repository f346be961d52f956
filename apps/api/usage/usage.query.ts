import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class UsageQuery {
  @ApiPropertyOptional({ description: 'ISO 8601; default 30 days ago.' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive; default now.' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}
