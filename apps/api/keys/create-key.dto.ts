import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SCOPES, type Scope } from '../../../libs/auth/scopes';

export class CreateKeyDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'To recognise the key in listings.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, description: 'What the key may do; every scope if omitted.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes?: Scope[];

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working; never if omitted.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;
}
