import fc from 'fast-check';
import { AdInputError } from '../src/errors';
import { escapeFilterValue, sidFilterValue } from '../src/filter-value';

/** The reverse of RFC 4515 escaping, written independently: `\xx` back to bytes, then UTF-8 to text. */
function unescape(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; ) {
    if (escaped[i] === '\\') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(escaped[i]!, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// Every special is escaped and every escape is two hex digits: the value cannot end the assertion early.
const SAFE = /^(?:[^*()\\\0\x80-\uffff]|\\[0-9a-f]{2})*$/;

describe('escapeFilterValue', () => {
  it.each([
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\0', '\\00'],
    ['alice)(objectClass=*', 'alice\\29\\28objectClass=\\2a'],
    ['Jürgen', 'J\\c3\\bcrgen'],
    ['R&D (Lab*)', 'R&D \\28Lab\\2a\\29'],
    ['日本', '\\e6\\97\\a5\\e6\\9c\\ac'],
    ['😀', '\\f0\\9f\\98\\80'],
    ['tab\there', 'tab\\09here'],
    ['plain-name.01', 'plain-name.01'],
  ])('%j -> %s', (raw, escaped) => {
    expect(escapeFilterValue(raw)).toBe(escaped);
  });

  it('escapes every byte of a Buffer (binary values such as objectSid)', () => {
    expect(escapeFilterValue(Buffer.from([0x01, 0x05, 0x00, 0xff, 0x2a]))).toBe('\\01\\05\\00\\ff\\2a');
  });

  it('round-trips any string and never leaves a special character unescaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const escaped = escapeFilterValue(value);
        expect(escaped).toMatch(SAFE);
        expect(unescape(escaped)).toBe(value);
      }),
    );
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(() => escapeFilterValue('a\uD800b')).toThrow(AdInputError);
  });

  it('refuses values that are neither strings nor Buffers', () => {
    expect(() => escapeFilterValue(42 as unknown as string)).toThrow(AdInputError);
  });
});

describe('sidFilterValue', () => {
  it('writes a SID as its escaped binary form', () => {
    expect(sidFilterValue('S-1-5-32-545')).toBe('\\01\\02\\00\\00\\00\\00\\00\\05\\20\\00\\00\\00\\21\\02\\00\\00');
  });

  it('refuses anything that is no SID', () => {
    expect(() => sidFilterValue('*')).toThrow(AdInputError);
    expect(() => sidFilterValue('S-1-5-21-1)(objectClass=*')).toThrow(AdInputError);
  });
});
