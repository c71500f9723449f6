/**
 * Which DCs to try, in order. Fixed URLs are used as given. A domain is looked up through DNS SRV
 * (`_ldap._tcp.<domain>`, lowest priority first, then highest weight), or on Windows through the DC locator
 * (DsGetDcName, which knows the machine's site). With `dnsServers` the DC's own address is resolved through the
 * same servers: the names a DC's DNS serves are often unknown to the host's resolver.
 */
import { promises as dns } from 'node:dns';
import type { SrvRecord } from 'node:dns';
import { AdUnreachableError } from '../errors';
import type { AdLogger } from '../logger';
import type { DcEndpoint, DcSource, Transport } from '../options';
import { sspiNative } from './sspi-native';

const LDAP_PORT = 389;
const LDAPS_PORT = 636;

/** Lowest priority first; within one priority, the highest weight first (RFC 2782, without the random draw). */
export function orderSrvRecords(records: readonly SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name));
}

function portFor(transport: Transport, srvPort?: number): number {
  // SRV records advertise the plain LDAP port; LDAPS lives on 636 of the same host.
  return transport === 'ldaps' ? LDAPS_PORT : (srvPort ?? LDAP_PORT);
}

async function fromWindowsLocator(domain: string | undefined, transport: Transport): Promise<DcEndpoint[]> {
  const dc = await sspiNative('the Windows DC locator').findDomainController(domain);
  const host = dc.name.replace(/^\\\\/, '');
  return [{ host, port: portFor(transport), transport }];
}

async function fromSrv(domain: string, dnsServers: readonly string[] | undefined, transport: Transport, timeout: number): Promise<DcEndpoint[]> {
  const resolver = new dns.Resolver({ timeout, tries: 2 });
  if (dnsServers) resolver.setServers([...dnsServers]);
  const name = `_ldap._tcp.${domain}`;
  let records: SrvRecord[];
  try {
    records = orderSrvRecords(await resolver.resolveSrv(name));
  } catch (err) {
    throw new AdUnreachableError(`no DC found for ${domain}: the SRV lookup of ${name} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      hint: dnsServers
        ? `check that ${dnsServers.join(', ')} serve the ${domain} zone (options.dnsServers)`
        : 'check options.domain, or point options.dnsServers at the domain\'s DNS, or give options.url',
      cause: err,
    });
  }
  if (records.length === 0) throw new AdUnreachableError(`no DC found for ${domain}: ${name} has no SRV records`, { hint: 'give options.url' });
  const endpoints = await Promise.all(
    records.map(async (r): Promise<DcEndpoint | undefined> => {
      const host = r.name.replace(/\.$/, '');
      const base = { host, port: portFor(transport, r.port), transport };
      if (!dnsServers) return base;
      const address = await resolver.resolve4(host).then((a) => a[0], () => resolver.resolve6(host).then((a) => a[0], () => undefined));
      return address ? { ...base, address } : undefined;
    }),
  );
  const found = endpoints.filter((e): e is DcEndpoint => e !== undefined);
  if (found.length === 0) throw new AdUnreachableError(`the DCs of ${domain} (${records.map((r) => r.name).join(', ')}) have no address records`);
  return found;
}

export async function locateDcs(source: DcSource, timeout: number, logger: AdLogger): Promise<readonly DcEndpoint[]> {
  if (source.kind === 'fixed') return source.endpoints;
  if (process.platform === 'win32' && !source.dnsServers) {
    try {
      return await fromWindowsLocator(source.domain, source.transport);
    } catch (err) {
      if (source.domain === undefined) throw new AdUnreachableError('the Windows DC locator found no DC for this machine\'s domain', { hint: 'give options.domain or options.url', cause: err });
      logger.warn('the Windows DC locator failed; trying DNS SRV', err, { domain: source.domain });
    }
  }
  return fromSrv(source.domain!, source.dnsServers, source.transport, timeout);
}
