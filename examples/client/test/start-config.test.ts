// The start-up checks of the variables that shape /upstream: each mistake stops the start with the variable named.
import { readDelegation } from '../src/delegation-config';
import { readUpstreamSpn } from '../src/upstream-config';

describe('SSPI_DELEGATION and SSPI_PRINCIPAL', () => {
  it('default to forwarded tickets', () => {
    expect(readDelegation({})).toEqual({ delegation: true });
    expect(readDelegation({ SSPI_DELEGATION: 'forwarded' })).toEqual({ delegation: true });
  });

  it('constrained takes the account the server logs on as', () => {
    expect(readDelegation({ SSPI_DELEGATION: 'constrained', SSPI_PRINCIPAL: ' svc-web@CORP.EXAMPLE ' })).toEqual({
      delegation: 'constrained',
      principal: 'svc-web@CORP.EXAMPLE',
    });
  });

  it('refuse an unknown mode and constrained without a principal, naming the variable', () => {
    expect(() => readDelegation({ SSPI_DELEGATION: 'unconstrained' })).toThrow(/^SSPI_DELEGATION must be 'forwarded' .* or 'constrained'/);
    expect(() => readDelegation({ SSPI_DELEGATION: 'constrained' })).toThrow(/^SSPI_DELEGATION=constrained needs SSPI_PRINCIPAL/);
  });
});

describe('UPSTREAM_SPN', () => {
  it('is optional, and taken as SERVICE/host or SERVICE/host@REALM', () => {
    expect(readUpstreamSpn({})).toBeUndefined();
    expect(readUpstreamSpn({ UPSTREAM_SPN: 'HTTP/reports.corp.example' })).toBe('HTTP/reports.corp.example');
    expect(readUpstreamSpn({ UPSTREAM_SPN: 'HTTP/reports@CORP.EXAMPLE' })).toBe('HTTP/reports@CORP.EXAMPLE');
  });

  it.each(['reports.corp.example', 'HTTP/', 'HTTP/a b', 'http://reports/'])('refuses %p, naming the variable', (spn) => {
    expect(() => readUpstreamSpn({ UPSTREAM_SPN: spn })).toThrow(/^UPSTREAM_SPN must be a service principal/);
  });
});
