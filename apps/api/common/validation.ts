import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** The global pipe: unknown fields rejected, types converted, field-level messages. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: validationError,
  });
}

/** The same rules for input that does not come through a route parameter (multipart fields). */
export async function validateInput<T extends object>(type: ClassConstructor<T>, plain: object): Promise<T> {
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationError(errors);
  return instance;
}
