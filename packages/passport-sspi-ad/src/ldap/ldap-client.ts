/**
 * ldapts' Client plus the three things it lacks for a Kerberos bind: a SASL BindRequest whose credentials are
 * bytes (ldapts writes them as a UTF-8 string), the BindResponse's serverSaslCreds as bytes (ldapts decodes them as
 * UTF-8, which destroys a GSS token) and a multi-step exchange (ldapts throws on saslBindInProgress). Searches and
 * everything else stay ldapts' own, on the same connection.
 *
 * This reaches into four private members of ldapts 8 (`_connect`, `_send`, `socket`, and the message parser's
 * `_getMessageFromProtocolOperation`); `assertInternals()` checks them when a client is made, so a changed ldapts
 * fails with a clear error at the first connect, and test/ldap-client.test.ts fails at once on an upgrade.
 */
import type { TLSSocket } from 'node:tls';
import { Ber, BerReader, BerWriter, BindRequest, BindResponse, Client, type ClientOptions, ProtocolOperation } from 'ldapts';
import { AdProtocolError } from '../errors';

/** RFC 4511 4.2.2: the optional serverSaslCreds of a BindResponse, context tag 7, primitive. */
const SERVER_SASL_CREDS = 0x87;
/** RFC 4511 4.1.9: the optional referral of an LDAPResult, context tag 3, constructed. */
const REFERRAL = 0xa3;

export const RESULT_SUCCESS = 0;
export const RESULT_SASL_BIND_IN_PROGRESS = 14;

export interface SaslStepResult {
  readonly status: number;
  readonly errorMessage: string;
  readonly serverSaslCreds?: Buffer;
}

/** A BindRequest with SASL credentials written as the bytes they are. */
class SaslBindRequest extends BindRequest {
  constructor(
    messageId: number,
    mechanism: string,
    private readonly credentials: Buffer | undefined,
  ) {
    super({ messageId, mechanism });
  }

  override writeMessage(writer: BerWriter): void {
    writer.writeInt(this.version);
    writer.writeString(''); // name: empty for SASL, the identity comes from the mechanism
    writer.startSequence(ProtocolOperation.LDAP_REQ_BIND_SASL);
    writer.writeString(this.mechanism ?? '');
    if (this.credentials) writer.writeBuffer(this.credentials, Ber.OctetString);
    writer.endSequence();
  }
}

/** A BindResponse that keeps serverSaslCreds as bytes. Used for every bind on our clients; simple binds carry none. */
export class BinaryBindResponse extends BindResponse {
  serverSaslCreds?: Buffer;

  override parseMessage(reader: BerReader): void {
    this.status = reader.readEnumeration() ?? 0;
    this.matchedDN = reader.readString() ?? '';
    this.errorMessage = reader.readString() ?? '';
    while (reader.remain > 0) {
      const tag = reader.peek();
      if (tag === REFERRAL) {
        reader.readSequence(REFERRAL);
        reader.offset += reader.length;
      } else if (tag === SERVER_SASL_CREDS) {
        this.serverSaslCreds = reader.readString(SERVER_SASL_CREDS, true) ?? Buffer.alloc(0);
      } else {
        break; // controls (0xa0) follow; Message.parse reads them
      }
    }
  }
}

type ParseResponse = (messageId: number, operation: number, reader: BerReader, request?: { controls?: unknown[] }) => unknown;

interface ClientInternals {
  _connect(): Promise<void> | void;
  _send(message: BindRequest): Promise<BinaryBindResponse | undefined>;
  _nextMessageId(): number;
  socket?: TLSSocket;
  messageParser: { _getMessageFromProtocolOperation: ParseResponse };
}

function internals(client: Client): ClientInternals {
  return client as unknown as ClientInternals;
}

/** Throws AdProtocolError when the installed ldapts no longer has the private members this file uses. */
export function assertInternals(client: Client): void {
  const c = internals(client) as unknown as Record<string, unknown>;
  const parser = c['messageParser'] as Record<string, unknown> | undefined;
  const missing = ['_connect', '_send', '_nextMessageId'].filter((name) => typeof c[name] !== 'function');
  if (typeof parser?.['_getMessageFromProtocolOperation'] !== 'function') missing.push('messageParser._getMessageFromProtocolOperation');
  if (missing.length) {
    throw new AdProtocolError(`the installed ldapts lacks ${missing.join(', ')}, which the SASL bind relies on`, undefined, {
      hint: 'install the ldapts version passport-sspi-ad declares (8.x)',
    });
  }
}

export class LdapClient extends Client {
  constructor(options: ClientOptions) {
    super(options);
    assertInternals(this);
    const parser = internals(this).messageParser;
    const parseDefault = parser._getMessageFromProtocolOperation.bind(parser);
    parser._getMessageFromProtocolOperation = (messageId, operation, reader, request) => {
      if (operation !== ProtocolOperation.LDAP_RES_BIND) return parseDefault(messageId, operation, reader, request);
      const response = new BinaryBindResponse({ messageId });
      response.parse(reader, (request?.controls ?? []) as never);
      return response;
    };
  }

  /** Opens the TCP (and for ldaps:// the TLS) connection without sending anything. */
  async connect(): Promise<void> {
    if (!this.isConnected) await internals(this)._connect();
  }

  /** Sends one SASL BindRequest and returns the DC's answer as it is, in progress or final, success or not. */
  async saslBindStep(mechanism: string, credentials?: Buffer): Promise<SaslStepResult> {
    await this.connect();
    const inner = internals(this);
    const response = await inner._send(new SaslBindRequest(inner._nextMessageId(), mechanism, credentials));
    if (!response) throw new AdProtocolError('the DC closed the bind without an answer');
    return { status: response.status, errorMessage: response.errorMessage, serverSaslCreds: response.serverSaslCreds };
  }

  /** The DER certificate the DC presented on this connection (for channel bindings), if TLS is up. */
  peerCertificate(): Buffer | undefined {
    const socket = internals(this).socket;
    const cert = typeof socket?.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    return cert?.raw;
  }

  /** Drops the connection at once, with no Unbind: for a DC that stopped answering. */
  destroy(): void {
    internals(this).socket?.destroy();
  }
}
