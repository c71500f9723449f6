import fs from 'node:fs';

/** A principal found in a keytab: `HTTP/web.corp.example@CORP.EXAMPLE`, split. */
export interface KeytabPrincipal {
  readonly principal: string;
  readonly realm: string;
}

/** The keytab file a `KRB5_KTNAME` value names (`FILE:/etc/x.keytab`, `WRFILE:...` or a bare path); undefined for other kinds. */
export function keytabPath(ktname: string | undefined): string | undefined {
  if (!ktname) return undefined;
  const kind = /^([A-Z]+):(.*)$/.exec(ktname);
  if (!kind) return ktname;
  return kind[1] === 'FILE' || kind[1] === 'WRFILE' ? kind[2] : undefined;
}

/**
 * The principals of an MIT/Heimdal keytab file (format 0x0502, big-endian), read only as far as names go: the
 * example names the Windows button after the realm, and the domain-password check needs the server's own
 * principal. Every length is checked against the file; a file that is not a keytab gives a RangeError.
 */
export function keytabPrincipals(file: string): KeytabPrincipal[] {
  const data = fs.readFileSync(file);
  if (data.length < 2 || data[0] !== 0x05 || data[1] !== 0x02) {
    throw new RangeError(`${file} is not a keytab (version 0x0502 expected)`);
  }
  const found = new Map<string, KeytabPrincipal>();
  let at = 2;
  while (at + 4 <= data.length) {
    const size = data.readInt32BE(at);
    at += 4;
    if (size < 0) {
      at += -size; // a hole left by a removed entry
      continue;
    }
    if (size === 0 || at + size > data.length) break;
    const entry = data.subarray(at, at + size);
    at += size;
    const principal = principalOf(entry);
    if (principal) found.set(principal.principal, principal);
  }
  return [...found.values()];
}

function principalOf(entry: Buffer): KeytabPrincipal | undefined {
  let at = 0;
  const counted = (): string | undefined => {
    if (at + 2 > entry.length) return undefined;
    const length = entry.readUInt16BE(at);
    at += 2;
    if (at + length > entry.length) return undefined;
    const text = entry.toString('utf8', at, at + length);
    at += length;
    return text;
  };
  if (entry.length < 2) return undefined;
  const components = entry.readUInt16BE(at);
  at += 2;
  const realm = counted();
  if (realm === undefined) return undefined;
  const names: string[] = [];
  for (let i = 0; i < components; i += 1) {
    const name = counted();
    if (name === undefined) return undefined;
    names.push(name);
  }
  return { principal: `${names.join('/')}@${realm}`, realm };
}
