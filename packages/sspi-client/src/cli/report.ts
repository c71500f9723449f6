/**
 * What sspi-fetch tells a person on stderr: the SPN asked for, one line per round, the mechanism and the final
 * status; with --verbose also what each token is and each response's headers. Never a token's bytes or a password.
 */
import type { HandshakeInfo, RoundInfo } from '../fetch/options';
import { tokenSummary } from './describe-token';

export type Write = (line: string) => void;

export class Report {
  readonly #write: Write;
  readonly #verbose: boolean;
  #spnShown: string | undefined;

  constructor(write: Write, verbose: boolean) {
    this.#write = write;
    this.#verbose = verbose;
  }

  /** An `onRound` callback. */
  readonly round = (round: RoundInfo): void => {
    if (round.spn !== undefined && round.spn !== this.#spnShown) {
      this.#write(`spn: ${round.spn}`);
      this.#spnShown = round.spn;
    }
    const sent = round.scheme === undefined ? 'no Authorization' : `Authorization: ${round.scheme} (${round.tokenBytes} bytes)`;
    const offered = round.offered.length === 0 ? '' : `, WWW-Authenticate: ${round.offered.join(', ')}${round.received ? ' with a token' : ''}`;
    this.#write(`round ${round.index}: ${round.method} ${round.url} ${sent} -> ${round.status}${offered}`);
    if (!this.#verbose) return;
    if (round.sent) this.#write(`  sent: ${tokenSummary(round.sent)}`);
    if (round.received) this.#write(`  received: ${tokenSummary(round.received)}`);
  };

  headers(headers: Iterable<[string, string]>, prefix: string): void {
    for (const [name, value] of headers) this.#write(`${prefix}${name}: ${name === 'www-authenticate' ? shortened(value) : value}`);
  }

  get verbose(): boolean {
    return this.#verbose;
  }

  finished(status: number, statusText: string, handshake: HandshakeInfo | undefined): void {
    if (handshake === undefined || handshake.mechanism === 'none') {
      this.#write('mechanism: none (the final URL asked for no Windows authentication)');
    } else {
      const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
      this.#write(`mechanism: ${handshake.mechanism} (${handshake.scheme}), rounds: ${handshake.rounds}, mutual: ${yesNo(handshake.mutual)}, delegated: ${yesNo(handshake.delegated)}, channel bound: ${yesNo(handshake.channelBound)}`);
    }
    if (handshake !== undefined && handshake.urls.length > 1) this.#write(`redirects: ${handshake.urls.join(' -> ')}`);
    this.#write(`status: ${status}${statusText ? ` ${statusText}` : ''}`);
  }

  failed(error: { code?: string; message: string; hint?: string; spn?: string }): void {
    // A ticket that cannot be had fails before any round names its SPN.
    if (error.spn !== undefined && error.spn !== this.#spnShown) this.#write(`spn: ${error.spn}`);
    this.#write(`error: ${error.code ? `${error.code}: ` : ''}${error.message}`);
    if (error.hint) this.#write(`hint: ${error.hint}`);
  }
}

/** A Negotiate token runs to kilobytes: its scheme and size tell enough. */
function shortened(value: string): string {
  return value.replace(/\b(Negotiate|NTLM|Kerberos) ([A-Za-z0-9+/]{24,}=*)/g, (_match, scheme: string, token: string) => `${scheme} <${Buffer.from(token, 'base64').length} bytes>`);
}
