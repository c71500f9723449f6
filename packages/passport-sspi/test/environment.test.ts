import { optionsFromEnvironment } from '../src/options/environment';

describe('optionsFromEnvironment', () => {
  it('leaves every option to the strategy when nothing is set, or set empty', () => {
    expect(optionsFromEnvironment({})).toEqual({});
    expect(optionsFromEnvironment({ SSPI_PACKAGES: ' ', SSPI_PERSIST_AUTHENTICATION: '' })).toEqual({});
  });

  it('reads SSPI_PACKAGES case-insensitively, in its order', () => {
    expect(optionsFromEnvironment({ SSPI_PACKAGES: 'negotiate, KERBEROS ,ntlm' })).toEqual({
      packages: ['Negotiate', 'Kerberos', 'NTLM'],
    });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    [' false ', false],
    ['0', false],
  ])('reads SSPI_PERSIST_AUTHENTICATION=%j as %s', (value, persistAuthentication) => {
    expect(optionsFromEnvironment({ SSPI_PERSIST_AUTHENTICATION: value })).toEqual({ persistAuthentication });
  });

  it.each([
    [{ SSPI_PACKAGES: 'Negotiate,Digest' }, /^SSPI_PACKAGES="Negotiate,Digest": 'Digest' is not a security package\. Use/],
    [{ SSPI_PACKAGES: 'Negotiate' }, /^SSPI_PACKAGES="Negotiate": 'Negotiate' needs 'Kerberos' and\/or 'NTLM'/],
    [{ SSPI_PERSIST_AUTHENTICATION: 'yes' }, /^SSPI_PERSIST_AUTHENTICATION="yes" is not a boolean; use true .* or false$/],
  ])('refuses %j with a RangeError that names the variable and the fix', (env, message) => {
    let thrown: unknown;
    try {
      optionsFromEnvironment(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect(thrown).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(message) });
  });
});
