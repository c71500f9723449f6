// Option validation runs before the addon is touched: these tests need no native code and no KDC.
import { acquireCredentials } from '../src/credentials';
import { checkCredentialsOptions } from '../src/index';
import type { AcquireCredentialsOptions } from '../src/index';
import { resolveClientContextOptions, resolveCredentialsOptions } from '../src/options';

describe('resolveCredentialsOptions', () => {
  it('applies the defaults and freezes the result', () => {
    const { resolved, password } = resolveCredentialsOptions({ usage: 'accept' });
    expect(resolved).toEqual({ usage: 'accept', packages: ['Negotiate', 'Kerberos'] });
    expect(password).toBeUndefined();
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.packages)).toBe(true);
  });

  it('keeps the given options, copies the packages array and drops the password', () => {
    const packages = ['Kerberos', 'NTLM'] as const;
    const input = { usage: 'initiate' as const, packages: [...packages], user: 'SSPI\\bob', password: 'pw' };
    const { resolved, password } = resolveCredentialsOptions(input);
    expect(resolved).toEqual({ usage: 'initiate', packages: ['Kerberos', 'NTLM'], user: 'SSPI\\bob' });
    expect(password).toBe('pw');
    expect(resolved.packages).not.toBe(input.packages);
    input.packages.push('Negotiate' as never);
    expect(resolved.packages).toEqual(['Kerberos', 'NTLM']);
    expect(JSON.stringify(resolved)).not.toContain('pw');
  });

  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['options not an object', 'accept', TypeError, /^options must be an object, got 'accept'$/],
    ['options null', null, TypeError, /^options must be an object, got null$/],
    ['usage missing', {}, TypeError, /^options\.usage must be 'accept', 'initiate' or 'both', got undefined$/],
    ['usage unknown', { usage: 'inbound' }, RangeError, /^options\.usage must be 'accept', 'initiate' or 'both', got 'inbound'$/],
    ['usage both with NTLM', { usage: 'both', packages: ['Negotiate', 'Kerberos', 'NTLM'] }, RangeError, /^options\.packages: usage 'both' is for Kerberos constrained delegation; list 'Negotiate' and 'Kerberos' only/],
    ['password on a both credential', { usage: 'both', user: 'u', password: 'p' }, RangeError, /^options\.user applies to usage 'initiate' only \(usage is 'both'\)$/],
    ['packages not an array', { usage: 'accept', packages: 'Kerberos' }, TypeError, /^options\.packages must be an array, got 'Kerberos'$/],
    ['packages empty', { usage: 'accept', packages: [] }, RangeError, /^options\.packages must list at least one package$/],
    ['unknown package', { usage: 'accept', packages: ['Kerberos', 'Digest'] }, RangeError, /contains 'Digest'; allowed: Negotiate, Kerberos, NTLM$/],
    ['duplicate package', { usage: 'accept', packages: ['Kerberos', 'Kerberos'] }, RangeError, /lists 'Kerberos' twice/],
    ['Negotiate alone', { usage: 'accept', packages: ['Negotiate'] }, RangeError, /'Negotiate' needs 'Kerberos' and\/or 'NTLM'/],
    ['principal not a string', { usage: 'accept', principal: 42 }, TypeError, /^options\.principal must be a string, got number$/],
    ['empty keytab', { usage: 'accept', keytab: '' }, RangeError, /^options\.keytab must not be empty$/],
    ['NUL in keytab', { usage: 'accept', keytab: '/etc/krb5.keytab\0x' }, RangeError, /must not contain NUL/],
    ['principal on a client without a keytab', { usage: 'initiate', principal: 'svc@R' }, RangeError, /^options\.principal applies to usage 'accept', or to 'initiate' with options\.keytab/],
    ['client keytab with a password', { usage: 'initiate', keytab: '/k', user: 'u', password: 'p' }, RangeError, /^options\.keytab and options\.user\/password exclude each other/],
    ['client keytab with NTLM', { usage: 'initiate', keytab: '/k', packages: ['NTLM'] }, RangeError, /^options\.keytab holds Kerberos keys only/],
    ['principal on a client', { usage: 'initiate', principal: 'HTTP/x' }, RangeError, /principal applies to usage 'accept'/],
    ['ccache on a server', { usage: 'accept', ccache: 'FILE:/c' }, RangeError, /^options\.ccache applies to usage 'initiate' or 'both' only \(usage is 'accept'\)$/],
    ['user without password', { usage: 'initiate', user: 'bob' }, RangeError, /user and options\.password must be given together/],
    ['password without user', { usage: 'initiate', password: 'x' }, RangeError, /user and options\.password must be given together/],
    ['password not a string', { usage: 'initiate', user: 'bob', password: 1 }, TypeError, /^options\.password must be a string, got number$/],
    ['ccache and user', { usage: 'initiate', ccache: 'FILE:/c', user: 'bob', password: 'x' }, RangeError, /exclude each other/],
    ['ccache with NTLM', { usage: 'initiate', packages: ['Negotiate', 'NTLM'], ccache: 'FILE:/c' }, RangeError, /ccache holds Kerberos tickets only/],
  ])('rejects %s', (_name, options, errorClass, message) => {
    let thrown: unknown;
    try {
      resolveCredentialsOptions(options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as { code?: string }).code).toBe(errorClass === TypeError ? 'ERR_INVALID_ARG_TYPE' : 'ERR_INVALID_ARG_VALUE');
  });

  it('acquireCredentials rejects bad options before loading the addon', async () => {
    await expect(acquireCredentials({ usage: 'accept', packages: [] })).rejects.toThrow(RangeError);
  });
});

describe('checkCredentialsOptions', () => {
  it('returns the frozen resolved options, without the password', () => {
    const resolved = checkCredentialsOptions({ usage: 'initiate', packages: ['Kerberos'], user: 'alice@SSPI.TEST', password: 'secret' });
    expect(resolved).toEqual({ usage: 'initiate', packages: ['Kerberos'], user: 'alice@SSPI.TEST' });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.packages)).toBe(true);
    expect(JSON.stringify(resolved)).not.toContain('secret');
    expect(checkCredentialsOptions({ usage: 'accept' })).toEqual({ usage: 'accept', packages: ['Negotiate', 'Kerberos'] });
  });

  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['Negotiate alone', { usage: 'accept', packages: ['Negotiate'] }, RangeError, /^options\.packages: 'Negotiate' needs/],
    ['an unknown package', { usage: 'accept', packages: ['Digest'] }, RangeError, /^options\.packages contains 'Digest'/],
    ['a client keytab with NTLM', { usage: 'initiate', keytab: '/k', packages: ['NTLM'] }, RangeError, /^options\.keytab holds Kerberos keys only/],
    ['a principal that is not a string', { usage: 'accept', principal: 1 }, TypeError, /^options\.principal must be a string/],
    ['no options', undefined, TypeError, /^options must be an object/],
  ])('throws what acquireCredentials throws for %s', async (_name, options, errorClass, message) => {
    const input = options as AcquireCredentialsOptions;
    let thrown: unknown;
    try {
      checkCredentialsOptions(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect((thrown as Error).message).toMatch(message);
    // The very same error acquireCredentials rejects with, before it touches the addon.
    await expect(acquireCredentials(input)).rejects.toThrow(new errorClass((thrown as Error).message));
    await expect(acquireCredentials(input)).rejects.toMatchObject({ code: (thrown as { code?: string }).code });
  });

  it('does not load the addon', () => {
    checkCredentialsOptions({ usage: 'accept', keytab: '/etc/krb5.keytab' });
    expect(Object.keys(require.cache).filter((file) => file.endsWith('.node'))).toEqual([]);
  });
});

describe('resolveClientContextOptions', () => {
  it('defaults to mutual authentication without delegation', () => {
    const resolved = resolveClientContextOptions({ target: 'HTTP/web.example.test' });
    expect(resolved).toEqual({ target: 'HTTP/web.example.test', flags: { mutualAuth: true, delegate: false, securityLayer: true } });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.flags)).toBe(true);
  });

  it.each(['HTTP/host', 'HTTP@host', 'HTTP/host.example.test@EXAMPLE.TEST', 'HTTP/host:8080'])('accepts the target %s', (target) => {
    expect(resolveClientContextOptions({ target, flags: { delegate: true } }).target).toBe(target);
  });

  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    ['no options', undefined, TypeError, /^options must be an object, got undefined$/],
    ['target missing', {}, TypeError, /^options\.target must be a string, got undefined$/],
    ['bare host', { target: 'localhost' }, RangeError, /must look like HTTP\/host, HTTP@host or HTTP\/host@REALM, got 'localhost'$/],
    ['empty service', { target: '/host' }, RangeError, /must look like/],
    ['two realms', { target: 'HTTP/h@A@B' }, RangeError, /must look like/],
    ['whitespace', { target: 'HTTP/ho st' }, RangeError, /must look like/],
    ['flags not an object', { target: 'HTTP/h', flags: true }, TypeError, /^options\.flags must be an object, got boolean$/],
    ['flag not a boolean', { target: 'HTTP/h', flags: { delegate: 'yes' } }, TypeError, /^options\.flags\.delegate must be a boolean, got 'yes'$/],
  ])('rejects %s', (_name, options, errorClass, message) => {
    expect(() => resolveClientContextOptions(options)).toThrow(errorClass);
    expect(() => resolveClientContextOptions(options)).toThrow(message);
  });
});
