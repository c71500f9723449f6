/**
 * LDAP filter injection against the real DC: names made of filter syntax reach the DC as plain values (filter
 * objects, one BER octet string each) and match nothing but themselves; control characters are refused before any
 * search; escapeFilterValue/sidFilterValue make text filters written by hand just as safe.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { Client, type Entry } from 'ldapts';
import { createAdEnricher } from '../../src/create';
import type { AdEnricher } from '../../src/enricher';
import { AdInputError, AdNotFoundError } from '../../src/errors';
import { escapeFilterValue, sidFilterValue } from '../../src/filter-value';
import { objectSidFilter } from '../../src/filters';
import { sidFromString } from '../../src/sid';
import { type DcEnv, describeWithDc, ldapsOptions, signedIn } from './support/dc';

/** Names that would widen or rewrite a filter built by string concatenation. */
const HOSTILE_NAMES = [
  '*',
  'a*',
  '*)(objectClass=*',
  'alice)(sAMAccountName=*',
  ')(|(sAMAccountName=*',
  'alice)(|(objectClass=*))',
  '\\2a',
  'alice\\',
  '\\',
  'R&D (Lab*)',
  'R&D (Lab)',
  '(&)',
];

describeWithDc('LDAP injection', (env: DcEnv) => {
  let enrich: AdEnricher<'refuse'>;
  let raw: Client;
  beforeAll(async () => {
    enrich = createAdEnricher(ldapsOptions(env));
    raw = new Client({ url: env.ldapsUrl, tlsOptions: { ca: fs.readFileSync(env.caFile) } });
    await raw.bind(env.bind.upn, env.bind.password);
  });
  afterAll(async () => {
    await enrich.close();
    await raw.unbind();
  });

  it.each(HOSTILE_NAMES)('a sign-in named %j finds no user (not alice, not anyone)', async (name) => {
    const before = enrich.stats().searches;
    const err = await enrich({ principal: `${name}@CORP.TEST`, user: name, domain: 'CORP', mechanism: 'NTLM' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdNotFoundError);
    expect(enrich.stats().searches).toBeGreaterThan(before); // it did ask the DC, with the name as a plain value
  });

  it.each(HOSTILE_NAMES)('lookup by UPN %j finds no user', async (name) => {
    await expect(enrich.lookup({ upn: name })).rejects.toThrow(AdNotFoundError);
  });

  it.each(['alice\0', 'alice\0)(objectClass=*', '\0', 'alice\n', 'al\u0001ice'])('refuses %j before any search', async (name) => {
    const before = enrich.stats().searches;
    await expect(enrich({ principal: 'x@CORP.TEST', user: name, domain: 'CORP', mechanism: 'NTLM' })).rejects.toThrow(AdInputError);
    await expect(enrich.lookup({ upn: name })).rejects.toThrow(AdInputError);
    expect(enrich.stats().searches).toBe(before);
  });

  it.each(['S-1-5-21-1)(objectClass=*', '*', 'S-1-5-21-*', 'S-1-5-21-1-2-3-4\0'])('refuses the SID %j', async (sid) => {
    await expect(enrich(signedIn({ ...env.users.alice, sid }, env))).rejects.toThrow(AdInputError);
  });

  it('a group named with filter syntax resolves exactly, by SID, to its own name', async () => {
    await expect(enrich.groupNames([env.groups['R&D (Lab*)'].sid])).resolves.toEqual(['CORP\\R&D (Lab)']);
    await expect(enrich.isMemberOf(signedIn(env.users.bob, env), 'R&D (Lab)')).resolves.toBe(true);
    // '*' in a group reference is a character, not a wildcard.
    await expect(enrich.isMemberOf(signedIn(env.users.bob, env), 'R&D*')).resolves.toBe(false);
    await expect(enrich.isMemberOf(signedIn(env.users.bob, env), '*')).resolves.toBe(false);
  });

  describe('escapeFilterValue in text filters sent to the DC', () => {
    const search = async (filter: string): Promise<Entry[]> =>
      (await raw.search(env.baseDn, { scope: 'sub', filter, attributes: ['sAMAccountName'] })).searchEntries;

    it("finds the group whose cn is 'R&D (Lab*)' and only it", async () => {
      const found = await search(`(cn=${escapeFilterValue('R&D (Lab*)')})`);
      expect(found.map((e) => e.dn)).toEqual([env.groups['R&D (Lab*)'].dn]);
    });

    it.each(HOSTILE_NAMES.filter((n) => !n.startsWith('R&D')))('(sAMAccountName=%j escaped) matches nothing', async (name) => {
      await expect(search(`(sAMAccountName=${escapeFilterValue(name)})`)).resolves.toEqual([]);
    });

    it('the unescaped value would have matched everyone: the test is not vacuous', async () => {
      const unescaped = await search('(sAMAccountName=*)');
      expect(unescaped.length).toBeGreaterThan(5);
    });

    it('finds alice by her binary objectSid written as an escaped text filter (ldapsearch)', () => {
      const out = execFileSync(
        'ldapsearch',
        ['-LLL', '-H', env.ldapsUrl, '-x', '-D', env.bind.upn, '-w', env.bind.password, '-b', env.baseDn, `(objectSid=${sidFilterValue(env.users.alice.sid)})`, 'dn'],
        { env: { ...process.env, LDAPTLS_CACERT: env.caFile }, encoding: 'utf8' },
      );
      expect(out.match(/^dn: .*$/gm)).toEqual([`dn: ${env.users.alice.dn}`]);
    });

    it('finds alice by objectSidFilter() with ldapts, whose text parser cannot carry the escaped SID', async () => {
      const byObject = await raw.search(env.baseDn, { scope: 'sub', filter: objectSidFilter(env.users.alice.sid), attributes: ['sAMAccountName'] });
      expect(byObject.searchEntries.map((e) => e.dn)).toEqual([env.users.alice.dn]);
      if (sidFromString(env.users.alice.sid).some((byte) => byte > 0x7f)) {
        await expect(search(`(objectSid=${sidFilterValue(env.users.alice.sid)})`)).resolves.toEqual([]); // ldapts' parser mangles bytes > 0x7f
      }
    });
  });
});
