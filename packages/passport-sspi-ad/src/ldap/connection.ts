/**
 * One bound LDAP connection, shared by every lookup (ldapts multiplexes requests by message id), opened on first
 * use and opened again, bound again, when the DC closes it. Opening tries the DCs in order; TLS is always on
 * (LDAPS, or StartTLS for ldap://), verified against the pinned CA. Every step has a deadline, so a DC that stops
 * answering costs at most `timeouts.connect` or `timeouts.operation`, never a hang.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { type Entry, type Filter, PresenceFilter } from 'ldapts';
import type { Credentials } from 'sspi-native';
import { values } from '../entry-mapping';
import { sidToString } from '../sid';
import { AdBindError, AdError, AdTimeoutError, AdUnreachableError } from '../errors';
import type { DcEndpoint, ResolvedAdOptions } from '../options';
import type { AdStats } from '../stats';
import { locateDcs } from './dc-locator';
import { kerberosBind } from './kerberos-bind';
import { LdapClient } from './ldap-client';
import { sspiNative } from './sspi-native';
import { isConnectionLost, toAdError } from './ldap-errors';

const ANONYMOUS_LOGON = 'S-1-5-7';

export interface SearchSpec {
  readonly base: string;
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: Filter;
  readonly attributes: readonly string[];
  readonly binaryAttributes?: readonly string[];
  readonly sizeLimit?: number;
}

/** What the directory layer needs from a connection; unit tests give it a fake. */
export interface Searcher {
  search(spec: SearchSpec): Promise<readonly Entry[]>;
}

function describeEndpoint(ep: DcEndpoint): string {
  const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  return `${ep.transport === 'ldaps' ? 'ldaps' : 'ldap'}://${host}:${ep.port}${ep.address ? ` (${ep.address})` : ''}`;
}

/** Runs `work`; after `ms` calls `abort` (which must make `work` settle) and rejects with `timeout()`. */
async function withDeadline<T>(work: () => Promise<T>, ms: number, abort: () => void, timeout: () => AdError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort();
      reject(timeout());
    }, ms);
  });
  try {
    return await Promise.race([work(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export class LdapConnection implements Searcher {
  readonly #options: ResolvedAdOptions;
  readonly #stats: AdStats;
  #client: LdapClient | undefined;
  #endpoint: DcEndpoint | undefined;
  #opening: Promise<LdapClient> | undefined;
  #credentials: Promise<Credentials> | undefined;
  #identity: string | undefined;
  #closed = false;

  constructor(options: ResolvedAdOptions, stats: AdStats) {
    this.#options = options;
    this.#stats = stats;
  }

  /** The SID the DC says this connection is bound as (the first SID of the connection's token). */
  get boundAs(): string | undefined {
    return this.#identity;
  }

  /** The DC in use, e.g. `ldaps://dc1.corp.test:636`. */
  get server(): string | undefined {
    return this.#endpoint && describeEndpoint(this.#endpoint);
  }

  /** Opens and binds now (if not yet), so that configuration mistakes show at start-up. */
  async open(): Promise<void> {
    await this.#bound();
  }

  async search(spec: SearchSpec): Promise<readonly Entry[]> {
    return this.#run(async (client) => {
      this.#stats.searches++;
      const result = await client.search(spec.base, {
        scope: spec.scope,
        filter: spec.filter,
        attributes: [...spec.attributes],
        explicitBufferAttributes: [...(spec.binaryAttributes ?? [])],
        ...(spec.sizeLimit !== undefined && { sizeLimit: spec.sizeLimit }),
      });
      return result.searchEntries; // referrals (Configuration, DomainDnsZones...) are not followed
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client?.isConnected) {
      await withDeadline(() => client.unbind(), this.#options.timeouts.operation, () => client.destroy(), () => new AdTimeoutError('timeouts.operation', 'unbind timed out')).catch(() => client.destroy());
    }
    // Credentials the caller passed in are the caller's to dispose.
    if (this.#options.bind.method !== 'kerberos' || this.#options.bind.credentials) return;
    const credentials = await this.#credentials?.catch(() => undefined);
    credentials?.dispose();
    this.#credentials = undefined;
  }

  /** One operation on the bound connection; once more on a fresh one when the connection was lost under it. */
  async #run<T>(operation: (client: LdapClient) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.#bound();
      const where = this.server ?? 'the DC';
      this.#stats.ldapInFlight++;
      try {
        // Checked in the same tick as the call: ldapts would silently reconnect, unbound, if the socket were gone.
        if (!client.isConnected) throw new AdUnreachableError(`the connection to ${where} closed`);
        return await withDeadline(
          () => operation(client),
          this.#options.timeouts.operation,
          () => client.destroy(),
          () => new AdTimeoutError('timeouts.operation', `${where} did not answer within ${this.#options.timeouts.operation} ms`, {
            hint: 'the connection was dropped; raise options.timeouts.operation if the DC is only slow',
          }),
        );
      } catch (err) {
        const error = toAdError(err, 'operation', where);
        if (error instanceof AdUnreachableError || error instanceof AdTimeoutError) this.#drop(client);
        if (!isConnectionLost(error) || attempt > 0) throw error;
        this.#options.logger.debug('the LDAP connection was lost; reconnecting', { server: where });
      } finally {
        this.#stats.ldapInFlight--;
      }
    }
  }

  #drop(client: LdapClient): void {
    client.destroy();
    if (this.#client === client) this.#client = undefined;
  }

  async #bound(): Promise<LdapClient> {
    if (this.#closed) throw new AdUnreachableError('the enricher was closed', { hint: 'create a new one with createAdEnricher()' });
    if (this.#client?.isConnected) return this.#client;
    this.#client = undefined;
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #open(): Promise<LdapClient> {
    const { dcs, timeouts, logger } = this.#options;
    const endpoints = await locateDcs(dcs, timeouts.connect, logger);
    const failures: AdError[] = [];
    for (const endpoint of endpoints) {
      try {
        const client = await this.#openOne(endpoint);
        this.#client = client;
        this.#endpoint = endpoint;
        logger.debug('bound to the DC', { server: describeEndpoint(endpoint), as: this.#identity });
        return client;
      } catch (err) {
        const error = toAdError(err, 'connect', describeEndpoint(endpoint));
        // A refused bind or a bad certificate is the same on every DC of the domain: stop at the first.
        if (!(error instanceof AdUnreachableError || error instanceof AdTimeoutError)) throw error;
        logger.warn('DC not reachable; trying the next', error, { server: describeEndpoint(endpoint) });
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    throw new AdUnreachableError(`no DC answered: ${failures.map((f) => f.message).join('; ')}`, {
      hint: failures[0]?.hint,
      cause: failures[0],
    });
  }

  #tlsOptions(endpoint: DcEndpoint): ConnectionOptions {
    const { ca, servername } = this.#options;
    const name = servername ?? (isIP(endpoint.host) ? undefined : endpoint.host);
    // A fresh object each time: ldapts' startTLS() writes the socket into the object it is given.
    return { ...(ca && { ca: [...ca] }), ...(name && { servername: name }), minVersion: 'TLSv1.2' };
  }

  async #openOne(endpoint: DcEndpoint): Promise<LdapClient> {
    const { timeouts } = this.#options;
    const where = describeEndpoint(endpoint);
    const host = endpoint.address ?? endpoint.host;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const ldaps = endpoint.transport === 'ldaps';
    // tlsOptions in the constructor would make ldapts speak TLS at once, also on ldap:// (StartTLS needs plain first).
    const client = new LdapClient({
      url: `${ldaps ? 'ldaps' : 'ldap'}://${urlHost}:${endpoint.port}`,
      timeout: timeouts.operation,
      connectTimeout: timeouts.connect,
      ...(ldaps && { tlsOptions: this.#tlsOptions(endpoint) }),
    });
    try {
      await withDeadline(
        async () => {
          this.#stats.connects++;
          if (ldaps) {
            await client.connect();
          } else {
            this.#stats.extendedOperations++;
            // ldapts takes neither host nor name from the URL here: without them the certificate is checked against "localhost".
            await client.startTLS({ ...this.#tlsOptions(endpoint), host });
          }
          await this.#bind(client, endpoint, where);
          this.#identity = await this.#whoAmI(client, where);
        },
        timeouts.connect,
        () => client.destroy(),
        () => new AdTimeoutError('timeouts.connect', `${where}: connecting, TLS and bind took longer than ${timeouts.connect} ms`, {
          hint: 'the DC is down, a firewall drops the packets, or it is slow: raise options.timeouts.connect',
        }),
      );
      return client;
    } catch (err) {
      client.destroy();
      const error = toAdError(err, 'bind', where);
      if (error instanceof AdBindError && error.reason === 'kerberos') this.#credentials = undefined; // acquire anew next time
      throw error;
    }
  }

  async #bind(client: LdapClient, endpoint: DcEndpoint, where: string): Promise<void> {
    const bind = this.#options.bind;
    if (bind.method === 'simple') {
      this.#stats.binds++;
      await client.bind(bind.dn, bind.password);
      return;
    }
    const target = bind.target ?? `ldap/${this.#options.servername ?? endpoint.host}`;
    const credentials = await this.#kerberosCredentials();
    await kerberosBind(client, credentials, { mechanism: bind.mechanism, target, onLeg: () => this.#stats.binds++ }, where);
  }

  #kerberosCredentials(): Promise<Credentials> {
    const bind = this.#options.bind;
    if (bind.method !== 'kerberos') throw new TypeError('not a Kerberos bind');
    if (bind.credentials) return Promise.resolve(bind.credentials);
    let native: ReturnType<typeof sspiNative>;
    try {
      native = sspiNative('the Kerberos bind');
    } catch (err) {
      const error = err as AdError;
      return Promise.reject(new AdBindError('kerberos', error.message, { hint: error.hint, cause: error.cause }));
    }
    const { acquireCredentials, SspiError } = native;
    this.#credentials ??= acquireCredentials({
      usage: 'initiate',
      // GSS-SPNEGO carries SPNEGO tokens; GSSAPI raw Kerberos ones.
      packages: bind.mechanism === 'GSSAPI' ? ['Kerberos'] : ['Negotiate', 'Kerberos'],
      ...(bind.keytab && { keytab: bind.keytab }),
      ...(bind.principal && { principal: bind.principal }),
      ...(bind.ccache && { ccache: bind.ccache }),
    }).catch((err: unknown) => {
      this.#credentials = undefined;
      throw new AdBindError('kerberos', `no Kerberos credentials for the LDAP bind: ${(err as Error).message}`, {
        hint:
          (err instanceof SspiError ? err.hint : undefined) ??
          'check options.bind.keytab/principal (a client keytab) or options.bind.ccache / KRB5CCNAME (run kinit -k -t KEYTAB PRINCIPAL)',
        cause: err,
      });
    });
    return this.#credentials;
  }

  /**
   * Asks the DC whom this connection is bound as: the rootDSE's tokenGroups lists the security token of the
   * connection, the account's own SID first (AD and Samba both; Samba lacks RFC 4532 "Who am I?"). A bind that
   * "succeeded" without authenticating shows up as the Anonymous Logon SID and is refused here.
   */
  async #whoAmI(client: LdapClient, where: string): Promise<string> {
    this.#stats.searches++;
    const { searchEntries } = await client.search('', {
      scope: 'base',
      filter: new PresenceFilter({ attribute: 'objectClass' }),
      attributes: ['tokenGroups'],
      explicitBufferAttributes: ['tokenGroups'],
    });
    const token = (searchEntries[0] ? values(searchEntries[0], 'tokenGroups') : []).map((v) => sidToString(Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1')));
    const account = token[0];
    if (account === undefined || token.includes(ANONYMOUS_LOGON) || !account.startsWith('S-1-5-21-')) {
      throw new AdBindError('anonymous', `${where} reports an anonymous session after the bind`, { hint: 'check options.bind' });
    }
    return account;
  }
}
