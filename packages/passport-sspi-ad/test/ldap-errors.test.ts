import { InvalidCredentialsError, InsufficientAccessError, StrongAuthRequiredError, UnavailableError } from 'ldapts';
import { AdBindError, AdProtocolError, AdTimeoutError, AdTlsError, AdUnreachableError } from '../src/errors';
import { orderSrvRecords } from '../src/ldap/dc-locator';
import { toAdError } from '../src/ldap/ldap-errors';

const where = 'ldaps://dc1.corp.test:636';
const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('toAdError', () => {
  it('reads AD\'s sub-code of a refused bind', () => {
    const err = toAdError(new InvalidCredentialsError('80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563'), 'bind', where);
    expect(err).toBeInstanceOf(AdBindError);
    expect(err).toMatchObject({ reason: 'invalid-credentials', code: 'ERR_AD_BIND_REFUSED' });
    expect(err.message).toMatch(/wrong password/);
    expect(err.hint).toMatch(/options.bind.password/);
  });

  it('maps strongAuthRequired', () => {
    expect(toAdError(new StrongAuthRequiredError('BindSimple: Transport encryption required.'), 'bind', where)).toMatchObject({ reason: 'strong-auth-required' });
  });

  it.each([
    [withCode('connect ECONNREFUSED 127.0.0.10:636', 'ECONNREFUSED'), AdUnreachableError],
    [new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'), AdUnreachableError],
    [new UnavailableError('shutting down'), AdUnreachableError],
    [new Error('Connection timeout'), AdTimeoutError],
    [new Error('SearchRequest: Operation timed out'), AdTimeoutError],
    [withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), AdTlsError],
    [withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), AdTlsError],
    [withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), AdTlsError],
    [withCode('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), AdTlsError],
    [new InsufficientAccessError('no'), AdProtocolError],
  ])('%s -> %p', (error, type) => {
    expect(toAdError(error, 'operation', where)).toBeInstanceOf(type);
  });

  it('names the timeout option', () => {
    expect(toAdError(new Error('Connection timeout'), 'connect', where)).toMatchObject({ option: 'timeouts.connect' });
    expect(toAdError(new Error('x: Operation timed out'), 'operation', where)).toMatchObject({ option: 'timeouts.operation' });
  });
});

describe('orderSrvRecords', () => {
  it('puts the lowest priority first, then the highest weight', () => {
    const records = [
      { name: 'c', port: 389, priority: 10, weight: 100 },
      { name: 'b', port: 389, priority: 0, weight: 10 },
      { name: 'a', port: 389, priority: 0, weight: 50 },
    ];
    expect(orderSrvRecords(records).map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });
});
