/** Pins the package's public surface: what `require('passport-sspi')` gives an application. */

class mockSspiError extends Error {}
jest.mock('sspi-native', () => ({ SspiError: mockSspiError, acquireCredentials: () => undefined }), { virtual: true });

import * as api from '../src/index';
import { MalformedAuthorizationError } from '../src/errors';
import { SspiStrategy } from '../src/passport/strategy';

describe('passport-sspi exports', () => {
  it('exports the strategy under its name and as Strategy (passport convention)', () => {
    expect(api.SspiStrategy).toBe(SspiStrategy);
    expect(api.Strategy).toBe(SspiStrategy);
  });

  it("exports its own errors and defaults, and re-exports sspi-native's members", () => {
    expect(api.MalformedAuthorizationError).toBe(MalformedAuthorizationError);
    expect(Object.keys(api).sort()).toEqual(
      [
        'AnonymousLogonError',
        'DEFAULT_PASSWORD_STRATEGY_NAME',
        'DEFAULT_PER_ADDRESS_LIMIT',
        'DEFAULT_PER_USER_LIMIT',
        'DomainPasswordStrategy',
        'MissingCredentialsError',
        'PasswordCheckUnavailableError',
        'ServiceTicketError',
        'TooManyAttemptsError',
        'UnknownDomainError',
        'ChallengePageError',
        'ExplicitSsoLogoutError',
        'DEFAULT_HANDSHAKE_TIMEOUT_MS',
        'DEFAULT_MAX_FAILURES_PER_CONNECTION',
        'DEFAULT_MAX_PENDING_HANDSHAKES',
        'DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS',
        'DEFAULT_MAX_TOKEN_BYTES',
        'DEFAULT_NAME',
        'DEFAULT_PACKAGES',
        'GroupNameLookupError',
        'GuestLogonError',
        'HandshakeNotFoundError',
        'Http2NotSupportedError',
        'MalformedAuthorizationError',
        'NoDelegatedCredentialsError',
        'NtlmNotAllowedError',
        'PendingHandshakeLimitError',
        'TooManyFailuresError',
        'UnreadableAuthorizationDataError',
        'createExplicitSso',
        'delegatedCredentials',
        'explainError',
        'hasNegotiateCredentials',
        'optionsFromEnvironment',
        'safeReturnUrl',
        'withDelegatedCredentials',
        'SspiError',
        'SspiStrategy',
        'Strategy',
        'acquireCredentials',
      ].sort(),
    );
    expect((api as unknown as { SspiError: unknown }).SspiError).toBe(mockSspiError);
  });
});
