/**
 * The enricher sends filter objects, not text. These tests show that a value goes on the wire byte for byte as
 * one assertion, whatever it holds, and why text filters are avoided: ldapts' parser mis-decodes escaped UTF-8.
 */
import { AndFilter, BerReader, BerWriter, EqualityFilter, type Filter, FilterParser, OrFilter } from 'ldapts';
import { escapeFilterValue } from '../src/filter-value';
import { objectsBySidOrDn, splitIntoBatches, userByAccount, userBySid } from '../src/filters';
import { sidFromString } from '../src/sid';

function encode(filter: Filter): Buffer {
  const writer = new BerWriter();
  filter.write(writer);
  return writer.buffer;
}

function decode(bytes: Buffer): Filter {
  return FilterParser.parse(new BerReader(bytes));
}

/** The BER of one equality assertion: [3] { attribute, value } with the value's raw bytes. */
function equalityBer(attribute: string, value: Buffer): Buffer {
  const attr = Buffer.from(attribute);
  const body = Buffer.concat([Buffer.from([0x04, attr.length]), attr, Buffer.from([0x04, value.length]), value]);
  return Buffer.concat([Buffer.from([0xa3, body.length]), body]);
}

describe('filters as objects', () => {
  it.each(['*', 'alice)(objectClass=*', 'a\0b', 'back\\slash', ')(|(sAMAccountName=*', 'Jürgen', 'R&D (Lab*)'])(
    'sends %j as one equality value, byte for byte',
    (value) => {
      const filter = userByAccount(value);
      const bytes = encode(filter);
      expect(bytes.includes(equalityBer('sAMAccountName', Buffer.from(value, 'utf8')))).toBe(true);
      const back = decode(bytes) as AndFilter;
      expect(back).toBeInstanceOf(AndFilter);
      expect(back.filters).toHaveLength(2);
      expect((back.filters[1] as EqualityFilter).value).toBe(value);
    },
  );

  it('sends an objectSid as its binary form', () => {
    const sid = 'S-1-5-21-1000-2000-3000-1104';
    expect(encode(userBySid(sid)).includes(equalityBer('objectSid', sidFromString(sid)))).toBe(true);
  });

  it('names many SIDs and DNs in one OR filter', () => {
    const filter = objectsBySidOrDn(['S-1-5-32-545', 'S-1-5-21-1-2-3-513'], ['CN=Bob,CN=Users,DC=corp,DC=test']) as OrFilter;
    expect(filter).toBeInstanceOf(OrFilter);
    expect(filter.filters.map((f) => (f as EqualityFilter).attribute)).toEqual(['objectSid', 'objectSid', 'distinguishedName']);
    expect(objectsBySidOrDn(['S-1-5-32-545'])).toBeInstanceOf(EqualityFilter);
  });

  it('splits long lists into batches', () => {
    expect(splitIntoBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe("ldapts' text filter parser (why the enricher avoids it)", () => {
  it('keeps escaped ASCII specials as data', () => {
    const parsed = FilterParser.parseString(`(sAMAccountName=${escapeFilterValue('alice)(objectClass=*')})`) as EqualityFilter;
    expect(parsed).toBeInstanceOf(EqualityFilter);
    expect(parsed.value).toBe('alice)(objectClass=*');
  });

  it('turns escaped UTF-8 into the wrong characters (each byte becomes one Latin-1 character)', () => {
    const parsed = FilterParser.parseString(`(sAMAccountName=${escapeFilterValue('Jürgen')})`) as EqualityFilter;
    expect(parsed.value).not.toBe('Jürgen');
    expect(parsed.value).toBe('J\u00c3\u00bcrgen');
  });
});
