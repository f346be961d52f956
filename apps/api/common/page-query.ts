import { HttpStatus } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ApiError } from './api-error';

/** `limit` and `cursor` of a newest-first listing. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_cursor` from the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor is not a cursor this API issued' })
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Cursors are the last id of a page (ids sort by creation time), opaque to clients. */
export const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');

/** The id a cursor names, if it names an id with this prefix; a 400 otherwise. */
export function decodeCursor(cursor: string | undefined, idPrefix: string): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!new RegExp(`^${idPrefix}_[0-9a-z]{26}$`).test(id))
    throw new ApiError(HttpStatus.BAD_REQUEST, 'cursor is not a cursor this API issued');
  return id;
}
