// Property tests: whatever bytes arrive, the PAC parsers return a result or throw PacFormatError, quickly; and a
// logon info buffer encoded from any valid model parses back to exactly that model. scripts/fuzz-pac.js runs the
// first kind of property for minutes; here they run a few hundred times each, with a fixed seed.
import fc from 'fast-check';
import * as pac from '../../src/pac';
import { PacFormatError, parseLogonInfo } from '../../src/pac';
import { sidFromString, sidToString, sidWithRid } from '../../src/sid';
import { NEVER, encodeLogonInfo, type LogonInfoModel, type SidInput } from './helpers/logon-info-encoder';

interface FuzzFixture {
  readonly name: string;
  readonly kind: string;
  readonly bytes: Buffer;
}
interface FuzzModule {
  loadFixtures(): FuzzFixture[];
  pacProperties(
    api: typeof pac,
    fixtures: FuzzFixture[],
    options?: { budgetMs?: number },
  ): Array<{ name: string; property: fc.IPropertyWithHooks<[Buffer]> }>;
  survives(api: typeof pac, bytes: Buffer, budgetMs: number): boolean;
}
// The same properties as the fuzzer, so the two cannot drift apart.
const fuzz = require('../../scripts/fuzz-pac.js') as FuzzModule;

const SEED = 20240301;
/** A parse is a few microseconds; jest on a loaded CI machine still gets a generous budget per call. */
const BUDGET_MS = 250;

describe('the fuzzer properties, a few hundred runs each', () => {
  const fixtures = fuzz.loadFixtures();

  it.each(fuzz.pacProperties(pac, fixtures, { budgetMs: BUDGET_MS }).map((p) => [p.name, p] as const))(
    '%s: a result or a PacFormatError',
    (_, { property }) => {
      fc.assert(property, { numRuns: 400, seed: SEED });
    },
  );

  it('the property itself fails on an error other than PacFormatError', () => {
    const broken = { ...pac, parsePac: () => Buffer.alloc(1).readUInt32LE(0) };
    expect(() => fuzz.survives(broken as unknown as typeof pac, Buffer.alloc(0), BUDGET_MS)).toThrow(/RangeError/);
  });
});

// ---- Valid models, generated: the parser must return exactly what was encoded. ----

const EPOCH_TICKS = 116_444_736_000_000_000n;
const u32 = fc.nat({ max: 0xffffffff });
const fileTime = fc.oneof(
  fc.constant(0n),
  fc.constant(NEVER),
  fc.bigInt({ min: 1n, max: NEVER - 1n }),
  // Around today, where real PACs are.
  fc.bigInt({ min: 133_000_000_000_000_000n, max: 134_000_000_000_000_000n }),
);
/** Any UTF-16 text up to 40 code units, lone surrogates included: RPC_UNICODE_STRING carries code units. */
const text = fc.string({ unit: 'binary', maxLength: 40 });
const sid = (maxSubAuthorities: number) =>
  fc
    .record({
      authority: fc.uint8Array({ minLength: 6, maxLength: 6 }),
      subAuthorities: fc.array(u32, { maxLength: maxSubAuthorities }),
    })
    .map(({ authority, subAuthorities }) => {
      const bytes = Buffer.alloc(8 + 4 * subAuthorities.length);
      bytes[0] = 1;
      bytes[1] = subAuthorities.length;
      Buffer.from(authority).copy(bytes, 2);
      subAuthorities.forEach((value, i) => bytes.writeUInt32LE(value, 8 + 4 * i));
      return sidToString(bytes);
    });
const rids = fc.array(fc.tuple(u32, u32), { maxLength: 12 });

const modelArbitrary = fc.record({
  logonTime: fileTime,
  logoffTime: fileTime,
  kickOffTime: fileTime,
  passwordLastSet: fileTime,
  passwordCanChange: fileTime,
  passwordMustChange: fileTime,
  effectiveName: text,
  fullName: text,
  logonScript: text,
  profilePath: text,
  homeDirectory: text,
  homeDirectoryDrive: text,
  logonCount: fc.nat({ max: 0xffff }),
  badPasswordCount: fc.nat({ max: 0xffff }),
  userId: u32,
  primaryGroupId: u32,
  groupIds: rids,
  userFlags: fc.oneof(u32, fc.constantFrom(0, 0x20, 0x200, 0x220)),
  logonServer: text,
  logonDomainName: text,
  // Room for the RIDs that are appended to it.
  logonDomainId: sid(14),
  userAccountControl: u32,
  subAuthStatus: u32,
  lastSuccessfulILogon: fileTime,
  lastFailedILogon: fileTime,
  failedILogonCount: u32,
  extraSids: fc.array(fc.tuple(sid(15), u32), { maxLength: 8 }),
  resourceGroupDomainSid: fc.option(sid(14), { nil: null }),
  resourceGroupIds: rids,
});
type Model = typeof modelArbitrary extends fc.Arbitrary<infer T> ? T : never;

const nullIfEmpty = <T>(items: readonly T[]) => ({ items: items.length > 0 ? items : null });

function encode(model: Model): Buffer {
  const encoded: LogonInfoModel = {
    ...model,
    groupIds: nullIfEmpty(model.groupIds),
    extraSids: nullIfEmpty(model.extraSids as ReadonlyArray<readonly [SidInput, number]>),
    resourceGroupIds: nullIfEmpty(model.resourceGroupIds),
  };
  return encodeLogonInfo(encoded);
}

function expectedDate(ticks: bigint): Date | undefined {
  if (ticks === 0n || ticks === NEVER) return undefined;
  const since = ticks - EPOCH_TICKS;
  const millis = since / 10_000n - (since % 10_000n < 0n ? 1n : 0n);
  return new Date(Number(millis));
}

function expected(model: Model): Record<string, unknown> {
  const domain = model.logonDomainId;
  const hasExtra = (model.userFlags & 0x20) !== 0;
  const hasResource = (model.userFlags & 0x200) !== 0;
  const resourceDomain = hasResource ? (model.resourceGroupDomainSid ?? undefined) : undefined;
  const join = (base: string, list: ReadonlyArray<readonly [number, number]>) =>
    list.map(([rid, attributes]) => ({ sid: sidWithRid(base, rid), attributes }));
  return {
    logonTime: expectedDate(model.logonTime),
    logoffTime: expectedDate(model.logoffTime),
    kickOffTime: expectedDate(model.kickOffTime),
    passwordLastSet: expectedDate(model.passwordLastSet),
    passwordCanChange: expectedDate(model.passwordCanChange),
    passwordMustChange: expectedDate(model.passwordMustChange),
    effectiveName: model.effectiveName,
    fullName: model.fullName,
    logonScript: model.logonScript,
    profilePath: model.profilePath,
    homeDirectory: model.homeDirectory,
    homeDirectoryDrive: model.homeDirectoryDrive,
    logonCount: model.logonCount,
    badPasswordCount: model.badPasswordCount,
    userId: model.userId,
    primaryGroupId: model.primaryGroupId,
    userSid: sidWithRid(domain, model.userId),
    primaryGroupSid: sidWithRid(domain, model.primaryGroupId),
    groups: join(domain, model.groupIds),
    userFlags: model.userFlags,
    logonServer: model.logonServer,
    logonDomainName: model.logonDomainName,
    logonDomainSid: domain,
    userAccountControl: model.userAccountControl,
    subAuthStatus: model.subAuthStatus,
    lastSuccessfulILogon: expectedDate(model.lastSuccessfulILogon),
    lastFailedILogon: expectedDate(model.lastFailedILogon),
    failedILogonCount: model.failedILogonCount,
    extraSids: hasExtra ? model.extraSids.map(([s, attributes]) => ({ sid: s, attributes })) : [],
    resourceGroupDomainSid: resourceDomain,
    resourceGroups: resourceDomain === undefined ? [] : join(resourceDomain, model.resourceGroupIds),
  };
}

describe('parseLogonInfo on generated models', () => {
  it('returns exactly the encoded values', () => {
    fc.assert(
      fc.property(modelArbitrary, (model) => {
        const missingResourceDomain =
          (model.userFlags & 0x200) !== 0 && model.resourceGroupIds.length > 0 && model.resourceGroupDomainSid === null;
        const bytes = encode(model);
        if (missingResourceDomain) {
          expect(() => parseLogonInfo(bytes)).toThrow(/ResourceGroupIds without a ResourceGroupDomainSid/);
        } else {
          expect(parseLogonInfo(bytes)).toEqual(expected(model));
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('agrees with the binary SIDs the encoder wrote', () => {
    fc.assert(
      fc.property(modelArbitrary, (model) => {
        fc.pre(model.resourceGroupDomainSid !== null || (model.userFlags & 0x200) === 0);
        const info = parseLogonInfo(encode(model));
        expect(sidFromString(info.logonDomainSid).equals(sidFromString(model.logonDomainId))).toBe(true);
        expect(info.userSid.startsWith(`${info.logonDomainSid}-`)).toBe(true);
      }),
      { numRuns: 100, seed: SEED },
    );
  });

  it('any u32 written over any aligned word of a valid buffer gives a result or a PacFormatError', () => {
    const value = fc.oneof(u32, fc.constantFrom(0, 1, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0xffffffff));
    fc.assert(
      fc.property(modelArbitrary, fc.nat(), value, (model, where, word) => {
        const bytes = encode(model);
        const at = 4 * (where % Math.floor(bytes.length / 4));
        bytes.writeUInt32LE(word, at);
        try {
          parseLogonInfo(bytes);
        } catch (error: unknown) {
          if (!(error instanceof PacFormatError)) throw error;
          expect(error.offset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});
