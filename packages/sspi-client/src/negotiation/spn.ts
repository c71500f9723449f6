/**
 * The service principal a URL stands for: `HTTP/<host>`, the host as typed (no port: Windows and MIT ask for the bare
 * name), or its DNS canonical name when asked for.
 */
import { Resolver } from 'node:dns/promises';
import net from 'node:net';

export interface SpnChoice {
  /** Use this SPN whatever the URL says, e.g. `HTTP/intranet.example.com`. */
  spn?: string;
  /**
   * Follow the host's DNS CNAME chain and ask for a ticket to the name at its end, as Chrome does by default. It
   * trusts DNS, which nothing authenticates: whoever can answer for the name can point the client at a host
   * whose SPN they hold, and mutual authentication then proves only that host. Default false: the name as typed.
   */
  canonicalizeHost?: boolean;
}

const MAX_CNAME_HOPS = 8;

/** What canonicalisation asks of DNS; node:dns's Resolver, or one pointed at other servers. */
export interface CnameResolver {
  resolveCname(name: string): Promise<string[]>;
}

/** `HTTP/<host>` for the URL, or the override. */
export async function spnFor(url: URL, choice: SpnChoice, resolver?: CnameResolver): Promise<string> {
  if (choice.spn !== undefined) return choice.spn;
  const host = hostOf(url);
  return `HTTP/${choice.canonicalizeHost === true ? await canonicalName(host, resolver ?? new Resolver({ timeout: 2000, tries: 2 })) : host}`;
}

/** The host without brackets or a trailing dot, lower-cased. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** The name at the end of the CNAME chain; the name itself when it has none or DNS does not answer. */
async function canonicalName(host: string, resolver: CnameResolver): Promise<string> {
  if (net.isIP(host) !== 0) return host;
  let name = host;
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    let next: string[];
    try {
      next = await resolver.resolveCname(name);
    } catch {
      break; // ENODATA (an A record), ENOTFOUND (hosts file only), no DNS at all: keep what we have.
    }
    if (next.length === 0 || next[0] === undefined) break;
    name = next[0].replace(/\.$/, '').toLowerCase();
  }
  return name;
}
