/**
 * The one error every PAC parser throws: a length, count, offset or pointer that does not fit the bytes, or a
 * field the specification forbids. PAC bytes arrive inside a client's ticket, so anything else escaping a parser
 * (a RangeError from Buffer, a TypeError) would be a bug.
 */
export class PacFormatError extends Error {
  readonly code = 'ERR_PAC_FORMAT';
  /** What is wrong, without the offset. */
  readonly reason: string;
  /** Byte offset in the buffer that was being parsed (for readPac: in the whole PAC) where the fault was found. */
  readonly offset: number;

  constructor(reason: string, offset: number, options?: { cause?: unknown }) {
    super(`${reason} (at byte ${offset})`, options);
    this.name = 'PacFormatError';
    this.reason = reason;
    this.offset = offset;
  }
}
