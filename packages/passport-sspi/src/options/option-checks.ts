import { inspect } from 'node:util';

/**
 * Assertions for options coming from JavaScript callers (or from config files), where the types are only a hope.
 * Each message names the option and shows what was received; `code` follows Node's own argument errors.
 */

type CodedError = (TypeError | RangeError) & { code: string };

export function optionTypeError(option: string, expected: string, got: unknown): CodedError {
  return withCode(new TypeError(`options.${option} must be ${expected}; got ${describe(got)}`), 'ERR_INVALID_ARG_TYPE');
}

export function optionRangeError(option: string, expected: string, got: unknown): CodedError {
  return withCode(new RangeError(`options.${option} must be ${expected}; got ${describe(got)}`), 'ERR_OUT_OF_RANGE');
}

export function optionConflictError(message: string): CodedError {
  return withCode(new TypeError(message), 'ERR_INVALID_ARG_VALUE');
}

export function describe(value: unknown): string {
  if (typeof value === 'function') return `a function`;
  return inspect(value, { depth: 0, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 40 });
}

export function optionalBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionTypeError(option, 'a boolean', value);
  return value;
}

export function optionalNonEmptyString(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw optionTypeError(option, 'a non-empty string', value);
  if (value.trim() === '') throw optionRangeError(option, 'a non-empty string', value);
  return value;
}

export function optionalPositiveInteger(
  option: string,
  value: unknown,
  fallback: number,
  { unit, max = Number.MAX_SAFE_INTEGER }: { unit: string; max?: number },
): number {
  if (value === undefined) return fallback;
  const expected = `a positive integer (${unit})` + (max === Number.MAX_SAFE_INTEGER ? '' : ` no larger than ${max}`);
  if (typeof value !== 'number') throw optionTypeError(option, expected, value);
  if (!Number.isInteger(value) || value <= 0 || value > max) throw optionRangeError(option, expected, value);
  return value;
}

export function optionalFunction<F extends (...args: never[]) => unknown>(option: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw optionTypeError(option, 'a function', value);
  return value as F;
}

function withCode(error: TypeError | RangeError, code: string): CodedError {
  return Object.assign(error, { code });
}
