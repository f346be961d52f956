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

/** The path of the first key, at any depth, that names a prototype. */
function prototypeKey(value: unknown, parent = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const path = parent ? `${parent}.${key}` : key;
    if (PROTOTYPE_NAMES.has(key)) return path;
    const nested = prototypeKey(inner, path);
    if (nested) return nested;
  }
  return undefined;
}

/** No input names a prototype: nothing needs it, and class-transformer cannot copy such an object (a 500). */
function refusePrototypeKeys(plain: unknown): void {
  const field = prototypeKey(plain);
  if (field === undefined) return;
  const message = `"${field}": a key may not be named __proto__, constructor or prototype`;
  throw new ApiError(HttpStatus.BAD_REQUEST, message, 'invalid_request', [{ field, message }]);
}

const HTTP_INPUT = new Set<unknown>(['body', 'query', 'param']);

class InputValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // An HTTP request's body, query or route parameters; not what a gateway injects (its socket, say).
    if (HTTP_INPUT.has(metadata.type)) refusePrototypeKeys(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** The global pipe: unknown fields and prototype names rejected, types converted, field-level messages. */
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
  refusePrototypeKeys(plain);
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationError(errors);
  return instance;
}
