import { PacFormatError } from '../../../src/pac';

/** Runs `parse` and returns the PacFormatError it must throw, checking the reason when one is given. */
export function expectPacError(parse: () => unknown, reason?: RegExp): PacFormatError {
  let thrown: unknown;
  try {
    parse();
  } catch (error: unknown) {
    thrown = error;
  }
  if (!(thrown instanceof PacFormatError)) {
    throw new Error(`expected a PacFormatError, got ${thrown === undefined ? 'a result' : String(thrown)}`);
  }
  expect(thrown.name).toBe('PacFormatError');
  expect(thrown.code).toBe('ERR_PAC_FORMAT');
  expect(Number.isInteger(thrown.offset) && thrown.offset >= 0).toBe(true);
  if (reason) expect(thrown.reason).toMatch(reason);
  return thrown;
}
