import { HttpStatus, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiError, type ErrorDetail } from './api-error';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: humanize(message, field) }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** class-validator says "property foo should not exist"; clients read "unknown field foo". */
function humanize(message: string, field: string): string {
  return message
    .replace(/^property (\S+) should not exist$/, `unknown field "$1"`)
    .replace(/^an unknown value was passed to the validate function$/, `unknown field "${field}"`);
}

function validationError(errors: ValidationError[]): ApiError {
  const details = flatten(errors);
  return new ApiError(HttpStatus.BAD_REQUEST, details.map((d) => d.message).join('; '), 'invalid_request', details);
}

const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than any Voxflow input; validating much deeper input would exhaust the stack. */
const MAX_INPUT_DEPTH = 32;

/**
 * Refuses input nested more than MAX_INPUT_DEPTH levels, and keys naming a prototype at any depth (nothing needs
 * one, and class-transformer cannot copy such an object). Walked without recursion, however deep the input.
 */
function refuseHostileShapes(plain: unknown): void {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: plain, path: '', depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH)
      throw new ApiError(HttpStatus.BAD_REQUEST, `The input is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
    for (const [key, inner] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_NAMES.has(key)) {
        const message = `"${field}": a key may not be named __proto__, constructor or prototype`;
        throw new ApiError(HttpStatus.BAD_REQUEST, message, 'invalid_request', [{ field, message }]);
      }
      pending.push({ value: inner, path: field, depth: depth + 1 });
    }
  }
}

const HTTP_INPUT = new Set<unknown>(['body', 'query', 'param']);

class InputValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // An HTTP request's body, query or route parameters; not what a gateway injects (its socket, say).
    if (HTTP_INPUT.has(metadata.type)) refuseHostileShapes(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** The global pipe: unknown fields, prototype names and deep nesting rejected, types converted, field-level messages. */
export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: validationError,
  });
}

/** The same rules for input that does not come through a route parameter (multipart fields). */
export async function validateInput<T extends object>(type: ClassConstructor<T>, plain: object): Promise<T> {
  refuseHostileShapes(plain);
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationError(errors);
  return instance;
}
