import { PacFormatError } from './pac-format-error';

/**
 * Little-endian NDR primitives (C706 chapter 14) over one window of a buffer. Every read checks the window first
 * and throws a PacFormatError naming the field, so callers never touch the Buffer directly and a truncated or
 * lying buffer can never raise Buffer's own RangeError. Alignment is relative to the start of the buffer, which
 * is also the start of the NDR stream's 8-byte-aligned frame.
 */
export class NdrReader {
  private position: number;

  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
  }

  get offset(): number {
    return this.position;
  }

  /** Bytes left in the window. */
  get remaining(): number {
    return this.end - this.position;
  }

  /** Throws a PacFormatError at `at` (the current position by default). */
  fail(reason: string, at = this.position): never {
    throw new PacFormatError(reason, at);
  }

  /** Skips the padding before a primitive of `boundary` bytes (NDR aligns each primitive to its own size). */
  align(boundary: 2 | 4 | 8, what: string): void {
    const padding = (boundary - (this.position % boundary)) % boundary;
    this.need(padding, `alignment padding before ${what}`);
    this.position += padding;
  }

  u16(what: string): number {
    this.align(2, what);
    this.need(2, what);
    const value = this.buffer.readUInt16LE(this.position);
    this.position += 2;
    return value;
  }

  u32(what: string): number {
    this.align(4, what);
    this.need(4, what);
    const value = this.buffer.readUInt32LE(this.position);
    this.position += 4;
    return value;
  }

  /** Raw bytes with no alignment, as a view of the buffer. */
  bytes(length: number, what: string): Buffer {
    this.need(length, what);
    const view = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return view;
  }

  skip(length: number, what: string): void {
    this.need(length, what);
    this.position += length;
  }

  /** A unique or embedded pointer: its referent id, 0 for null. The referent comes later, in NDR order. */
  pointer(what: string): number {
    return this.u32(`${what} pointer`);
  }

  /**
   * The max count of a conformant array whose elements take `elementBytes` each (at least). Checked against the
   * bytes left before anyone allocates, so a count of 0xFFFFFFFF fails at once.
   */
  conformance(elementBytes: number, what: string): number {
    const at = this.position;
    const count = this.u32(`${what} max count`);
    if (count * elementBytes > this.remaining) {
      this.fail(`${what} declares ${count} elements of ${elementBytes} bytes, only ${this.remaining} bytes follow`, at);
    }
    return count;
  }

  private need(length: number, what: string): void {
    if (length > this.end - this.position) {
      this.fail(`truncated: ${what} needs ${length} bytes, ${Math.max(0, this.end - this.position)} left`);
    }
  }
}
