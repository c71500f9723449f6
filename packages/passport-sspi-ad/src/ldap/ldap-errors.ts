/**
 * What ldapts, Node's net/tls and the DC report, as our typed errors with a hint naming the fix.
 */
import { ResultCodeError } from 'ldapts';
import { AdBindError, AdError, AdProtocolError, AdTimeoutError, AdTlsError, AdUnreachableError } from '../errors';

export type Phase = 'connect' | 'bind' | 'operation';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ETIMEDOUT',
]);

const TLS_HINTS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the DC's certificate does not chain to options.ca: give the CA that issued it (PEM)",
  UNABLE_TO_GET_ISSUER_CERT: "the DC's certificate does not chain to options.ca: give the CA that issued it (PEM)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the DC's certificate does not chain to options.ca: give the CA that issued it (PEM)",
  SELF_SIGNED_CERT_IN_CHAIN: "the DC's certificate chain ends in a CA that options.ca does not hold",
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the DC presents a self-signed certificate: put that certificate itself in options.ca',
  CERT_HAS_EXPIRED: "the DC's certificate has expired: renew it on the DC",
  CERT_NOT_YET_VALID: "the DC's certificate is not valid yet: check the clocks",
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name the host connected to: connect by a name it carries, or set options.servername',
};

/** Active Directory's sub-code in an invalidCredentials message ("... data 52e, v4563"), in words. */
const AD_BIND_DATA: Readonly<Record<string, string>> = {
  '525': 'no such account',
  '52e': 'wrong password',
  '530': 'not permitted to log on at this time',
  '531': 'not permitted to log on from this workstation',
  '532': 'password expired',
  '533': 'account disabled',
  '701': 'account expired',
  '773': 'the password must be changed',
  '775': 'account locked out',
};

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the error says the connection itself is gone (a retry on a fresh connection may succeed). */
export function isConnectionLost(err: unknown): boolean {
  return err instanceof AdUnreachableError;
}

function fromResultCode(err: ResultCodeError, phase: Phase, where: string): AdError {
  const text = err.message.replace(/\s*Code: 0x[0-9a-f]+$/, '');
  const resultCode = err.code;
  switch (resultCode) {
    case 49: {
      const data = /data ([0-9a-f]{3})/i.exec(text)?.[1]?.toLowerCase();
      const why = data ? AD_BIND_DATA[data] : undefined;
      return new AdBindError('invalid-credentials', `${where} refused the bind: invalid credentials${why ? ` (${why})` : ''}`, {
        hint: 'check options.bind.dn and options.bind.password (AD_BIND_DN/AD_BIND_PW)',
        cause: err,
        resultCode,
      });
    }
    case 8:
    case 13:
      return new AdBindError('strong-auth-required', `${where} requires a protected connection for this bind: ${text}`, {
        hint: 'use ldaps:// or ldap:// (StartTLS is then always used); if channel binding is enforced, use the Kerberos bind',
        cause: err,
        resultCode,
      });
    case 7:
    case 48:
      return new AdBindError('sasl', `${where} does not accept this kind of bind: ${text}`, { hint: 'check options.bind', cause: err, resultCode });
    case 51:
    case 52:
      return new AdUnreachableError(`${where} is busy or unavailable: ${text}`, { hint: 'another DC is tried next', cause: err, resultCode });
    case 3:
      return new AdTimeoutError('timeouts.operation', `${where} hit its own time limit: ${text}`, { cause: err, resultCode });
    default:
      if (phase === 'bind') return new AdBindError('other', `${where} refused the bind: ${text}`, { cause: err, resultCode });
      return new AdProtocolError(`${where} answered: ${text}`, resultCode, {
        hint: resultCode === 50 || resultCode === 1 ? 'the bind account may lack read rights on the users and groups' : undefined,
        cause: err,
      });
  }
}

/** Maps any failure of one LDAP step against `where` (e.g. `ldaps://dc1.corp.test:636`). */
export function toAdError(err: unknown, phase: Phase, where: string): AdError {
  if (err instanceof AdError) return err;
  if (err instanceof ResultCodeError) return fromResultCode(err, phase, where);
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code && TLS_HINTS[code]) {
    return new AdTlsError(`TLS with ${where} failed: ${message}`, { hint: TLS_HINTS[code], cause: err });
  }
  if (code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_') || /\bSSL\b|TLS|certificate/i.test(message)) {
    return new AdTlsError(`TLS with ${where} failed: ${message}`, {
      hint: 'ldaps:// needs the LDAPS port (636); ldap:// uses StartTLS on 389. Check the scheme and port in options.url',
      cause: err,
    });
  }
  if (message === 'Connection timeout') {
    return new AdTimeoutError('timeouts.connect', `${where} did not accept a connection in time`, {
      hint: 'the DC is down or a firewall drops the packets; raise options.timeouts.connect if it is only slow',
      cause: err,
    });
  }
  if (/Operation timed out/.test(message)) {
    return new AdTimeoutError('timeouts.operation', `${where} did not answer in time`, {
      hint: 'raise options.timeouts.operation if the DC is only slow',
      cause: err,
    });
  }
  if (code === 'ECONNRESET' && phase !== 'operation') {
    return new AdUnreachableError(`${where} reset the connection while it was being set up: ${message}`, {
      hint: 'the DC is going down, or the port speaks another protocol: ldaps:// uses port 636, ldap:// (StartTLS) 389',
      cause: err,
    });
  }
  if ((code && UNREACHABLE_CODES.has(code)) || /Connection closed|Socket error|socket connection not established/i.test(message)) {
    return new AdUnreachableError(`cannot reach ${where}: ${message}`, {
      hint: 'check that the DC is up and the port is open from this host (options.url / options.domain)',
      cause: err,
    });
  }
  return new AdProtocolError(`${where}: ${message}`, undefined, { cause: err });
}
