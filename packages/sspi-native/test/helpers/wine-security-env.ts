import { realm } from '../../../../test/realm';

/**
 * What Wine's security packages need from the Unix side, for a node.exe under Wine: the test realm
 * (Wine's Kerberos package uses MIT krb5; alice's tickets for clients) and gss-ntlmssp's settings
 * from the jest global setup (Wine's Negotiate server reaches it). Wine passes nothing unasked.
 */
export function wineSecurityEnv(): Record<string, string> {
  const r = realm();
  const env: Record<string, string> = { ...r.env, KRB5CCNAME: r.users.alice.ccache };
  for (const name of ['NTLM_USER_FILE', 'NETBIOS_DOMAIN_NAME', 'NETBIOS_COMPUTER_NAME', '_NO_WINBINDD']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
