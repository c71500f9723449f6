// Pins the public surface: adding or removing an export must be a deliberate change here too.
import * as sspi from '../src/index';

it('exports exactly the public API', () => {
  expect(Object.keys(sspi).sort()).toEqual([
    'AccountRevokedError',
    'ClientContext',
    'ClockSkewError',
    'ContextExpiredError',
    'ContextStateError',
    'Credentials',
    'CredentialsExpiredError',
    'DelegationRefusedError',
    'HeaderFormatError',
    'InvalidTokenError',
    'KdcUnreachableError',
    'LibraryMissingError',
    'LogonDeniedError',
    'NativeLoadError',
    'NoCredentialsError',
    'NtlmSidsFormatError',
    'PacFormatError',
    'PasswordExpiredError',
    'ReplayError',
    'ServerContext',
    'SidFormatError',
    'SspiError',
    'TargetUnknownError',
    'UnsupportedError',
    'UnsupportedMechanismError',
    'WrongPrincipalError',
    'acquireCredentials',
    'checkCredentialsOptions',
    'currentAccount',
    'decodeToken68',
    'decodedLength',
    'describeToken',
    'domainMembership',
    'encodeToken68',
    'findDomainController',
    'fromNative',
    'isEffectiveGroup',
    'isSidString',
    'liveObjects',
    'lookupAccounts',
    'offeredMechanisms',
    'parseChallenges',
    'parseLogonInfo',
    'parseUpnDnsInfo',
    'readPac',
    'sidFromString',
    'sidToString',
    'sidWithRid',
    'startsNtlm',
    'tlsServerEndPointBindings',
  ]);
});

it('does not load the addon just by being imported', () => {
  // Option validation and the error classes must work on hosts where the binary is missing.
  const loaded = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
  expect(loaded).toEqual([]);
});
