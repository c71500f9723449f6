import { DEFAULT_PACKAGES, resolveOptions } from '../src/options/resolve-options';
import { SspiStrategy } from '../src/passport/strategy';
import { FakeContexts } from './support/fake-contexts';

const fakes = new FakeContexts();
const base = { contextFactory: fakes.factory };
const verify = () => undefined;

afterAll(() => {
  expect(fakes.live).toBe(0);
});

describe('resolveOptions', () => {
  it('fills every default', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({
      name: 'sspi',
      packages: ['Negotiate', 'Kerberos'],
      allowsNtlm: false,
      passReqToCallback: false,
      handshakeTimeoutMs: 30_000,
      maxPendingHandshakes: 10_000,
      maxTokenBytes: 65_536,
      mutualAuth: true,
      allowAnonymous: false,
    });
    expect(resolved.contexts.create).toBe(fakes.factory);
    expect(typeof resolved.logger.debug).toBe('function');
    expect(typeof resolved.logger.warn).toBe('function');
  });

  it("returns a frozen object, leaves the caller's object as it was, and keeps no reference to it", () => {
    const input = { ...base, packages: ['Negotiate', 'Kerberos', 'NTLM'] as Array<'Negotiate' | 'Kerberos' | 'NTLM'> };
    const before = JSON.stringify(input);
    const resolved = resolveOptions(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.packages)).toBe(true);

    input.packages.pop();
    expect(resolved.packages).toEqual(['Negotiate', 'Kerberos', 'NTLM']);
    expect(resolved.allowsNtlm).toBe(true);
    expect(DEFAULT_PACKAGES).toEqual(['Negotiate', 'Kerberos']);
  });

  it('binds the logger, so console-like objects keep their this', () => {
    const calls: string[] = [];
    const logger = {
      prefix: 'app',
      debug(this: { prefix: string }, message: string) {
        calls.push(`${this.prefix}: ${message}`);
      },
      warn() {},
    };
    resolveOptions({ ...base, logger }).logger.debug('hello');
    expect(calls).toEqual(['app: hello']);
  });

  const bad: Array<[string, Record<string, unknown>, ErrorConstructor | RangeErrorConstructor, string]> = [
    ['handshakeTimeoutMs negative', { handshakeTimeoutMs: -1 }, RangeError, 'options.handshakeTimeoutMs must be a positive integer (ms) no larger than 2147483647; got -1'],
    ['handshakeTimeoutMs zero', { handshakeTimeoutMs: 0 }, RangeError, 'options.handshakeTimeoutMs must be a positive integer (ms) no larger than 2147483647; got 0'],
    ['handshakeTimeoutMs fractional', { handshakeTimeoutMs: 1.5 }, RangeError, 'options.handshakeTimeoutMs must be a positive integer (ms) no larger than 2147483647; got 1.5'],
    ['handshakeTimeoutMs beyond setTimeout', { handshakeTimeoutMs: 2 ** 31 }, RangeError, 'options.handshakeTimeoutMs must be a positive integer (ms) no larger than 2147483647; got 2147483648'],
    ['handshakeTimeoutMs as a string', { handshakeTimeoutMs: '30000' }, TypeError, "options.handshakeTimeoutMs must be a positive integer (ms) no larger than 2147483647; got '30000'"],
    ['maxTokenBytes NaN', { maxTokenBytes: Number.NaN }, RangeError, 'options.maxTokenBytes must be a positive integer (bytes); got NaN'],
    ['maxTokenBytes infinite', { maxTokenBytes: Infinity }, RangeError, 'options.maxTokenBytes must be a positive integer (bytes); got Infinity'],
    ['maxPendingHandshakes null', { maxPendingHandshakes: null }, TypeError, 'options.maxPendingHandshakes must be a positive integer (handshakes); got null'],
    ['mutualAuth as a string', { mutualAuth: 'false' }, TypeError, "options.mutualAuth must be a boolean; got 'false'"],
    ['allowAnonymous as a string', { allowAnonymous: 'yes' }, TypeError, "options.allowAnonymous must be a boolean; got 'yes'"],
    ['passReqToCallback as a number', { passReqToCallback: 1 }, TypeError, 'options.passReqToCallback must be a boolean; got 1'],
    ['name empty', { name: '' }, RangeError, "options.name must be a non-empty string; got ''"],
    ['name not a string', { name: 42 }, TypeError, 'options.name must be a non-empty string; got 42'],
    ['keytab blank', { keytab: '  ' }, RangeError, "options.keytab must be a non-empty string; got '  '"],
    ['principal not a string', { principal: ['HTTP/x'] }, TypeError, "options.principal must be a non-empty string; got [ 'HTTP/x' ]"],
    // sspi-native's checks, the same acquireCredentials() applies: one rule, one message.
    ['packages empty', { packages: [] }, RangeError, 'options.packages must list at least one package'],
    ['packages unknown', { packages: ['Negotiate', 'Digest'] }, RangeError, "options.packages contains 'Digest'; allowed: Negotiate, Kerberos, NTLM"],
    ['packages a string', { packages: 'Kerberos' }, TypeError, "options.packages must be an array, got 'Kerberos'"],
    ['packages repeated', { packages: ['Kerberos', 'Kerberos'] }, RangeError, "options.packages lists 'Kerberos' twice"],
    ['packages Negotiate alone', { packages: ['Negotiate'] }, RangeError, "options.packages: 'Negotiate' needs 'Kerberos' and/or 'NTLM'"],
    ['logger without warn', { logger: { debug() {} } }, TypeError, 'options.logger must be an object with debug() and warn() methods (console fits); got { debug: [Function: debug] }'],
    ['contextFactory not a function', { contextFactory: {} }, TypeError, 'options.contextFactory must be a function; got {}'],
    ['delegation unknown', { delegation: 'unconstrained' }, TypeError, "options.delegation must be true, false or 'constrained'; got 'unconstrained'"],
    ['constrained delegation with NTLM', { delegation: 'constrained', packages: ['Negotiate', 'Kerberos', 'NTLM'] }, TypeError, "options.delegation 'constrained' needs options.packages without 'NTLM'"],
  ];

  it.each(bad)('rejects %s, naming the option and the value', (_case, options, type, message) => {
    const attempt = () => resolveOptions({ ...base, ...options });
    expect(attempt).toThrow(type);
    expect(attempt).toThrow(message);
  });

  it('rejects credentials that are neither Credentials nor a Promise', () => {
    expect(() => resolveOptions({ credentials: 'kerberos' })).toThrow(
      new TypeError("options.credentials must be a Credentials instance from acquireCredentials() or a Promise of one; got 'kerberos'"),
    );
  });

  it("delegation 'constrained' keeps delegated credentials, and true keeps them too", () => {
    expect(resolveOptions({ ...base, delegation: 'constrained' }).delegation).toBe(true);
    expect(resolveOptions({ ...base, delegation: true }).delegation).toBe(true);
    expect(resolveOptions({ ...base }).delegation).toBe(false);
  });

  it('rejects credentials combined with keytab or principal', () => {
    const credentials = { dispose() {} };
    expect(() => resolveOptions({ credentials, keytab: '/etc/krb5.keytab' })).toThrow(
      /^options\.credentials cannot be combined with options\.keytab or options\.principal/,
    );
  });

  it('rejects contextFactory combined with credentials, keytab or principal', () => {
    expect(() => resolveOptions({ ...base, principal: 'HTTP/app' })).toThrow(
      'options.contextFactory cannot be combined with options.credentials, options.keytab or options.principal',
    );
  });

  it('rejects options that are not an object', () => {
    expect(() => resolveOptions('sspi')).toThrow(new TypeError("SspiStrategy options must be an object; got 'sspi'"));
    expect(() => resolveOptions(null)).toThrow(new TypeError('SspiStrategy options must be an object; got null'));
  });

  it('gives argument errors a Node-style code', () => {
    const codeOf = (options: Record<string, unknown>) => {
      try {
        resolveOptions({ ...base, ...options });
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    expect(codeOf({ maxTokenBytes: '1' })).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf({ maxTokenBytes: -1 })).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf({ keytab: '/k' })).toBe('ERR_INVALID_ARG_VALUE');
  });
});

describe('SspiStrategy constructor', () => {
  it('requires verify as its last argument', () => {
    const message = 'SspiStrategy requires a verify function as its last argument: new SspiStrategy(options, verify)';
    // @ts-expect-error: JavaScript callers can omit verify
    expect(() => new SspiStrategy(base)).toThrow(new TypeError(message));
    // @ts-expect-error: or pass something else
    expect(() => new SspiStrategy(base, 'verify')).toThrow(new TypeError(message));
  });

  it('validates options at construction', () => {
    expect(() => new SspiStrategy({ ...base, handshakeTimeoutMs: -1 }, verify)).toThrow(RangeError);
  });

  it('exposes the resolved name for passport.use', () => {
    expect(new SspiStrategy({ ...base, name: 'windows' }, verify).name).toBe('windows');
    expect(new SspiStrategy(base, verify).name).toBe('sspi');
  });
});

describe('the hardening options', () => {
  it('default to safe values', () => {
    const resolved = resolveOptions(base);
    expect(resolved).toMatchObject({
      maxPendingHandshakesPerAddress: 100,
      maxFailuresPerConnection: 5,
      allowGuest: false,
      persistAuthentication: false,
    });
    // trustProxy false: no forwarded hop is believed.
    expect(resolved.trustProxy('10.0.0.1', 0)).toBe(false);
  });

  it('compile trustProxy with Express semantics', () => {
    const trust = (value: unknown) => resolveOptions({ ...base, trustProxy: value }).trustProxy;
    expect(trust(true)('203.0.113.9', 5)).toBe(true);
    expect(trust(2)('203.0.113.9', 1)).toBe(true);
    expect(trust(2)('203.0.113.9', 2)).toBe(false);
    expect(trust(0)('127.0.0.1', 0)).toBe(false);
    expect(trust('loopback')('127.0.0.1', 0)).toBe(true);
    expect(trust('loopback')('10.0.0.1', 0)).toBe(false);
    expect(trust('10.0.0.0/8, 192.168.1.1')('10.1.2.3', 0)).toBe(true);
    expect(trust('10.0.0.0/8, 192.168.1.1')('192.168.1.1', 1)).toBe(true);
    expect(trust(['uniquelocal'])('10.1.2.3', 0)).toBe(true);
    const custom = (address: string) => address === '10.9.9.9';
    expect(trust(custom)).toBe(custom);
  });

  const bad: Array<[string, Record<string, unknown>, ErrorConstructor | RangeErrorConstructor, string]> = [
    ['maxPendingHandshakesPerAddress zero', { maxPendingHandshakesPerAddress: 0 }, RangeError, 'options.maxPendingHandshakesPerAddress must be a positive integer (handshakes); got 0'],
    ['maxPendingHandshakesPerAddress a string', { maxPendingHandshakesPerAddress: '5' }, TypeError, "options.maxPendingHandshakesPerAddress must be a positive integer (handshakes); got '5'"],
    ['maxFailuresPerConnection fractional', { maxFailuresPerConnection: 2.5 }, RangeError, 'options.maxFailuresPerConnection must be a positive integer (attempts); got 2.5'],
    ['maxFailuresPerConnection negative', { maxFailuresPerConnection: -1 }, RangeError, 'options.maxFailuresPerConnection must be a positive integer (attempts); got -1'],
    ['allowGuest a string', { allowGuest: 'no' }, TypeError, "options.allowGuest must be a boolean; got 'no'"],
    ['persistAuthentication a number', { persistAuthentication: 1 }, TypeError, 'options.persistAuthentication must be a boolean; got 1'],
    ['trustProxy negative hops', { trustProxy: -1 }, RangeError, 'options.trustProxy must be false, true, a number of hops'],
    ['trustProxy fractional hops', { trustProxy: 1.5 }, RangeError, 'got 1.5'],
    ['trustProxy a bad address', { trustProxy: '10.0.0.300' }, RangeError, 'invalid IP address: 10.0.0.300'],
    ['trustProxy a bad range', { trustProxy: ['10.0.0.0/99'] }, RangeError, 'invalid range on address: 10.0.0.0/99'],
    ['trustProxy an empty list', { trustProxy: [] }, RangeError, 'options.trustProxy must be'],
    ['trustProxy an empty entry', { trustProxy: 'loopback,' }, RangeError, "got 'loopback,'"],
    ['trustProxy a list with a number', { trustProxy: ['loopback', 1] }, TypeError, "got [ 'loopback', 1 ]"],
    ['trustProxy an object', { trustProxy: { hops: 1 } }, TypeError, 'options.trustProxy must be'],
    ['trustProxy null', { trustProxy: null }, TypeError, 'got null'],
  ];

  it.each(bad)('rejects %s, naming the option and the value', (_case, options, type, message) => {
    const attempt = () => resolveOptions({ ...base, ...options });
    expect(attempt).toThrow(type);
    expect(attempt).toThrow(message);
  });
});
