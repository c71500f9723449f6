import { parseLogonInfo, type LogonInfo } from './logon-info';
import { PacFormatError } from './pac-format-error';
import { PAC_BUFFER_TYPE, parsePac, type Pac, type PacBuffer } from './pac-type';
import { parseUpnDnsInfo, type UpnDnsInfo } from './upn-dns-info';

/** A whole PAC with the buffers that name the user already parsed. */
export interface ReadPac extends Pac {
  /** The first PAC_LOGON_INFO; MS-PAC 2.4 says any further one MUST be ignored. Undefined when there is none. */
  readonly logonInfo?: LogonInfo;
  /** The first UPN_DNS_INFO, when there is one. */
  readonly upnDnsInfo?: UpnDnsInfo;
}

/**
 * Splits a whole PAC ('urn:mspac:') and parses its logon info (type 1) and UPN/DNS info (type 12).
 * Error offsets count from the start of the PAC.
 * @throws PacFormatError when the PAC or either of those buffers is malformed.
 */
export function readPac(pac: Buffer): ReadPac {
  const { buffers } = parsePac(pac);
  const first = (type: number) => buffers.find((buffer) => buffer.type === type);
  const logonInfo = first(PAC_BUFFER_TYPE.LOGON_INFO);
  const upnDnsInfo = first(PAC_BUFFER_TYPE.UPN_DNS_INFO);
  return {
    buffers,
    logonInfo: logonInfo && inBuffer(logonInfo, parseLogonInfo),
    upnDnsInfo: upnDnsInfo && inBuffer(upnDnsInfo, parseUpnDnsInfo),
  };
}

/** Runs a buffer's parser and moves any error's offset from the buffer to the PAC. */
function inBuffer<T>(buffer: PacBuffer, parse: (data: Buffer) => T): T {
  try {
    return parse(buffer.data);
  } catch (error: unknown) {
    if (!(error instanceof PacFormatError)) throw error;
    const reason = `buffer type ${buffer.type}: ${error.reason}`;
    throw new PacFormatError(reason, buffer.offset + error.offset, { cause: error });
  }
}
