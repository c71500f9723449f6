/**
 * The SASL bind with Kerberos: sspi-native's ClientContext produces the tokens, LdapClient carries them.
 *
 * GSS-SPNEGO (what Windows' own LDAP client uses): SPNEGO tokens go back and forth until the DC answers success,
 * whose serverSaslCreds carry the last token (the Kerberos AP-REP); stepping it proves the DC holds the ldap/ key.
 * There is no security-layer negotiation after it, so no gss_wrap is needed; over TLS the connection is protected.
 *
 * GSSAPI (RFC 4752) adds a step after the context is complete: the DC sends a gss_wrap()ed 4-byte offer of
 * security layers and the client must answer with its own gss_wrap()ed choice. Without gss_wrap/gss_unwrap (which
 * sspi-native does not offer) that answer cannot be made, so the exchange stops there with a clear AdBindError.
 */
import type { Credentials, SspiError } from 'sspi-native';
import { AdBindError } from '../errors';
import type { SaslMechanism } from '../options';
import { sspiNative } from './sspi-native';
import { type LdapClient, RESULT_SASL_BIND_IN_PROGRESS, RESULT_SUCCESS, type SaslStepResult } from './ldap-client';

/** A Kerberos exchange takes one or two legs; more means something is looping. */
const MAX_LEGS = 5;
/** RFC 4121 4.2.6.2: a Wrap token starts with TOK_ID 05 04. */
const WRAP_TOKEN_ID = Buffer.from([0x05, 0x04]);

export interface KerberosBindRequest {
  readonly mechanism: SaslMechanism;
  readonly target: string;
  /** Counts every BindRequest sent. */
  readonly onLeg?: () => void;
}

function kerberosFailure(err: SspiError, target: string): AdBindError {
  return new AdBindError('kerberos', `Kerberos for ${target} failed: ${err.message}`, {
    hint:
      err.hint ??
      `check that the bind credentials (keytab or ticket cache) are valid and that the KDC knows ${target}; the target is options.bind.target`,
    cause: err,
  });
}

function refusalHint(message: string): string {
  if (/Sign or Seal are not allowed if TLS/i.test(message)) {
    // The context asks for no security layer; a Kerberos library without MIT's GSS_KRB5_CRED_NO_CI_FLAGS_X still
    // announces one in the authenticator.
    return (
      'the Kerberos library announced signing/sealing, which AD and Samba refuse on a TLS connection, although the ' +
      'bind asked for neither: this GSSAPI library cannot leave them out (it lacks gss_set_cred_option or ' +
      'GSS_KRB5_CRED_NO_CI_FLAGS_X); use MIT krb5, or a simple bind over TLS'
    );
  }
  if (/Sign or Seal are required/i.test(message)) {
    return (
      "this DC takes SASL binds only with a SASL security layer (Samba's `ldap server require strong auth = yes`); " +
      'on Samba set it to allow_sasl_over_tls, or use a simple bind over TLS'
    );
  }
  return "check that the account may bind and that options.bind.target is the DC's ldap/ SPN";
}

function refused(result: SaslStepResult, mechanism: string, where: string): AdBindError {
  const reason = result.status === 49 ? 'invalid-credentials' : result.status === 8 ? 'strong-auth-required' : 'sasl';
  return new AdBindError(reason, `${where} refused the ${mechanism} bind (result ${result.status}): ${result.errorMessage || 'no message'}`, {
    hint: refusalHint(result.errorMessage),
    resultCode: result.status,
  });
}

export async function kerberosBind(client: LdapClient, credentials: Credentials, request: KerberosBindRequest, where: string): Promise<void> {
  const { mechanism, target } = request;
  const { ClientContext, SspiError, tlsServerEndPointBindings } = sspiNative('the Kerberos bind');
  const cert = client.peerCertificate();
  // Ties the ticket to this TLS connection (AD's "LDAP channel binding"); DCs that do not check ignore it.
  // No security layer: TLS already protects the connection, and AD refuses a SASL bind that offers sign/seal over it.
  const context = new ClientContext(credentials, {
    target,
    flags: { securityLayer: false },
    ...(cert && { channelBindings: tlsServerEndPointBindings(cert) }),
  });
  const step = async (token?: Buffer): Promise<Buffer | undefined> => {
    try {
      return (await context.step(token)).token;
    } catch (err) {
      throw err instanceof SspiError ? kerberosFailure(err, target) : err;
    }
  };
  try {
    let token = await step();
    for (let leg = 0; leg < MAX_LEGS; leg++) {
      request.onLeg?.();
      const result = await client.saslBindStep(mechanism, token);
      if (result.status === RESULT_SUCCESS) {
        // Success may carry the DC's last token (the AP-REP): without stepping it the DC is not authenticated.
        if (!context.done && result.serverSaslCreds?.length) await step(result.serverSaslCreds);
        if (!context.done) throw new AdBindError('kerberos', `${where} answered success before mutual authentication completed`);
        return;
      }
      if (result.status !== RESULT_SASL_BIND_IN_PROGRESS) throw refused(result, mechanism, where);
      const creds = result.serverSaslCreds ?? Buffer.alloc(0);
      if (context.done) {
        if (mechanism === 'GSSAPI' && creds.subarray(0, 2).equals(WRAP_TOKEN_ID)) {
          throw new AdBindError(
            'sasl',
            `${where} sent the RFC 4752 security-layer offer (a ${creds.length}-byte Kerberos Wrap token); answering it needs gss_unwrap/gss_wrap, which sspi-native lacks`,
            { hint: "use bind.mechanism 'GSS-SPNEGO' (the default), which has no security-layer step" },
          );
        }
        throw new AdBindError('sasl', `${where} wants another ${mechanism} leg after the Kerberos context completed`);
      }
      // RFC 4752: after the AP-REP the client answers with an empty response; GSS-SPNEGO never gets here empty.
      token = creds.length ? await step(creds) : undefined;
    }
    throw new AdBindError('sasl', `the ${mechanism} bind with ${where} did not finish in ${MAX_LEGS} legs`);
  } finally {
    context.dispose();
  }
}
