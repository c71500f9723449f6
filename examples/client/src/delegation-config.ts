// SSPI_DELEGATION and SSPI_PRINCIPAL: how /upstream gets a credential in the signed-in user's name.

/** SSPI_DELEGATION: how this server gets the user's credential for `/upstream`; SSPI_PRINCIPAL for 'constrained'. */
export interface DelegationConfig {
  /** `true`: the client must forward its ticket; `'constrained'`: S4U2Proxy, the client forwards nothing. */
  readonly delegation: true | 'constrained';
  /** The account the server logs on as (constrained delegation), e.g. svc-web@CORP.EXAMPLE. */
  readonly principal?: string;
}

/**
 * Reads SSPI_DELEGATION (`forwarded`, the default, or `constrained`) and, with `constrained`, SSPI_PRINCIPAL.
 * @throws RangeError naming the variable and the fix.
 */
export function readDelegation(env: NodeJS.ProcessEnv = process.env): DelegationConfig {
  const mode = env['SSPI_DELEGATION']?.trim() || 'forwarded';
  if (mode === 'forwarded') return { delegation: true };
  if (mode !== 'constrained') {
    throw new RangeError("SSPI_DELEGATION must be 'forwarded' (the client forwards its ticket) or 'constrained' (S4U2Proxy)");
  }
  const principal = env['SSPI_PRINCIPAL']?.trim();
  if (!principal) {
    throw new RangeError(
      'SSPI_DELEGATION=constrained needs SSPI_PRINCIPAL: the account this server logs on as with its keytab, e.g. ' +
        'SSPI_PRINCIPAL=svc-web@CORP.EXAMPLE (not the HTTP/ SPN: Active Directory issues no ticket-granting ticket to an SPN)',
    );
  }
  return { delegation: 'constrained', principal };
}
