/**
 * The questions the enricher asks the directory, each as few searches as AD allows:
 * - the domain's base DN and NetBIOS name (rootDSE and the crossRef in CN=Partitions), once;
 * - a user by SID (a base read of `<SID=...>`, tokenGroups in the same read), by UPN or by sAMAccountName;
 * - names for many SIDs and DNs at once (`(|(objectSid=..)(distinguishedName=..))`, in batches).
 */
import { type Entry, PresenceFilter } from 'ldapts';
import { AdNotFoundError, AdProtocolError } from './errors';
import { crossRefOf, objectsBySidOrDn, splitIntoBatches, userByAccount, userBySid, userByUpn } from './filters';
import {
  BINARY_ATTRIBUTES,
  NAME_ATTRIBUTES,
  PHOTO_ATTRIBUTE,
  TOKEN_GROUPS,
  toNamedObject,
  toUserRecord,
  USER_ATTRIBUTES,
  values,
  type NamedObject,
  type UserRecord,
} from './entry-mapping';
import type { Searcher } from './ldap/connection';
import { sidFromString } from './sid';

export interface DomainInfo {
  /** `DC=corp,DC=example`. */
  readonly baseDn: string;
  /** `CORP`. */
  readonly netbiosDomain: string;
  /** `corp.example`. */
  readonly dnsDomain: string;
}

export type UserKey =
  | { readonly kind: 'sid'; readonly value: string }
  | { readonly kind: 'upn'; readonly value: string }
  | { readonly kind: 'account'; readonly value: string };

export interface DirectorySettings {
  readonly baseDn?: string;
  readonly netbiosDomain?: string;
  readonly attributes: readonly string[];
  readonly binaryAttributes: readonly string[];
  readonly photo: boolean;
  readonly groupBatchSize: number;
}

/** AD's "no such object" result: a base read of a SID or DN that does not exist. */
const NO_SUCH_OBJECT = 32;
/** More entries matched than sizeLimit allows. */
const SIZE_LIMIT_EXCEEDED = 4;

export function dnsDomainOf(baseDn: string): string {
  return baseDn
    .split(',')
    .map((rdn) => /^\s*DC=(.+)$/i.exec(rdn)?.[1])
    .filter((label): label is string => label !== undefined)
    .join('.')
    .toLowerCase();
}

export class Directory {
  readonly #searcher: Searcher;
  readonly #settings: DirectorySettings;
  #info: Promise<DomainInfo> | undefined;

  constructor(searcher: Searcher, settings: DirectorySettings) {
    this.#searcher = searcher;
    this.#settings = settings;
  }

  /** Base DN and NetBIOS name: from the options, or read once (two searches) and kept. */
  domainInfo(): Promise<DomainInfo> {
    this.#info ??= this.#readDomainInfo().catch((err: unknown) => {
      this.#info = undefined; // try again next time
      throw err;
    });
    return this.#info;
  }

  async #readDomainInfo(): Promise<DomainInfo> {
    const { baseDn: givenBase, netbiosDomain: givenNetbios } = this.#settings;
    if (givenBase !== undefined && givenNetbios !== undefined) {
      return { baseDn: givenBase, netbiosDomain: givenNetbios, dnsDomain: dnsDomainOf(givenBase) };
    }
    const [rootDse] = await this.#searcher.search({
      base: '',
      scope: 'base',
      filter: new PresenceFilter({ attribute: 'objectClass' }),
      attributes: ['defaultNamingContext', 'configurationNamingContext'],
    });
    const text = (name: string): string | undefined => rootDse && (values(rootDse, name)[0] as string | undefined);
    const baseDn = givenBase ?? text('defaultNamingContext');
    const configuration = text('configurationNamingContext');
    if (!baseDn) throw new AdProtocolError('the rootDSE names no defaultNamingContext', undefined, { hint: 'set options.baseDn' });
    if (givenNetbios !== undefined) return { baseDn, netbiosDomain: givenNetbios, dnsDomain: dnsDomainOf(baseDn) };
    if (!configuration) throw new AdProtocolError('the rootDSE names no configurationNamingContext', undefined, { hint: 'set options.netbiosDomain' });
    const [crossRef] = await this.#searcher.search({
      base: `CN=Partitions,${configuration}`,
      scope: 'one',
      filter: crossRefOf(baseDn),
      attributes: ['nETBIOSName', 'dnsRoot'],
    });
    const netbios = crossRef && (values(crossRef, 'nETBIOSName')[0] as string | undefined);
    if (!netbios) {
      throw new AdProtocolError(`no crossRef with a nETBIOSName for ${baseDn} under CN=Partitions,${configuration}`, undefined, {
        hint: 'set options.netbiosDomain (e.g. CORP), or check that options.baseDn is a domain naming context',
      });
    }
    const dnsRoot = values(crossRef, 'dnsRoot')[0] as string | undefined;
    return { baseDn, netbiosDomain: netbios.toUpperCase(), dnsDomain: (dnsRoot ?? dnsDomainOf(baseDn)).toLowerCase() };
  }

  #userAttributes(withTokenGroups: boolean): string[] {
    const { attributes, binaryAttributes, photo } = this.#settings;
    return [...USER_ATTRIBUTES, ...(photo ? [PHOTO_ATTRIBUTE] : []), ...(withTokenGroups ? [TOKEN_GROUPS] : []), ...attributes, ...binaryAttributes];
  }

  #toRecord(entry: Entry): UserRecord {
    return toUserRecord(entry, { text: this.#settings.attributes, binary: this.#settings.binaryAttributes });
  }

  /** A base read; undefined when the object does not exist. */
  async #readBase(base: string, attributes: readonly string[], filterSid?: string): Promise<Entry | undefined> {
    try {
      const entries = await this.#searcher.search({
        base,
        scope: 'base',
        filter: filterSid === undefined ? new PresenceFilter({ attribute: 'objectClass' }) : userBySid(filterSid),
        attributes,
        binaryAttributes: [...BINARY_ATTRIBUTES, ...this.#settings.binaryAttributes],
      });
      return entries[0];
    } catch (err) {
      if (err instanceof AdProtocolError && err.resultCode === NO_SUCH_OBJECT) return undefined;
      throw err;
    }
  }

  /**
   * The user's entry, with tokenGroups (every group, nested ones too) when asked: for a SID one base read of
   * `<SID=...>`; for a name a subtree search, plus a base read for tokenGroups, which only base reads return.
   */
  async findUser(key: UserKey, withTokenGroups: boolean): Promise<UserRecord | undefined> {
    const attributes = this.#userAttributes(withTokenGroups);
    if (key.kind === 'sid') {
      sidFromString(key.value); // a malformed SID fails here with AdInputError, not as an odd LDAP base
      const entry = await this.#readBase(`<SID=${key.value}>`, attributes, key.value);
      return entry && this.#toRecord(entry);
    }
    const { baseDn } = await this.domainInfo();
    const notUnique = (): AdProtocolError =>
      new AdProtocolError(`more than one user matches ${key.kind} '${key.value}'`, undefined, {
        hint: 'the value is not unique in the directory; sign-ins with a SID are looked up exactly',
      });
    const entries = await this.#searcher
      .search({
        base: baseDn,
        scope: 'sub',
        filter: key.kind === 'upn' ? userByUpn(key.value) : userByAccount(key.value),
        attributes: this.#userAttributes(false),
        binaryAttributes: [...BINARY_ATTRIBUTES, ...this.#settings.binaryAttributes],
        sizeLimit: 2,
      })
      .catch((err: unknown) => {
        // sizeLimitExceeded: a second match exists.
        throw err instanceof AdProtocolError && err.resultCode === SIZE_LIMIT_EXCEEDED ? notUnique() : err;
      });
    if (entries.length === 0) return undefined;
    if (entries.length > 1) throw notUnique();
    const record = this.#toRecord(entries[0]!);
    if (!withTokenGroups) return record;
    const withGroups = await this.#readBase(`<SID=${record.sid}>`, [TOKEN_GROUPS]);
    if (!withGroups) throw new AdNotFoundError(`the entry of ${key.value} disappeared between two reads`);
    return { ...record, tokenGroups: this.#toRecord({ ...entries[0]!, ...withGroups }).tokenGroups ?? [] };
  }

  /** Groups by SID and people by DN, in as few searches as the batch size allows (one for up to 100). */
  async findObjects(sids: readonly string[], dns: readonly string[] = []): Promise<NamedObject[]> {
    const terms = [...sids.map((sid) => ({ sid })), ...dns.map((dn) => ({ dn }))];
    if (terms.length === 0) return [];
    const { baseDn } = await this.domainInfo();
    const batches = splitIntoBatches(terms, this.#settings.groupBatchSize);
    const results = await Promise.all(
      batches.map((batch) =>
        this.#searcher.search({
          base: baseDn,
          scope: 'sub',
          filter: objectsBySidOrDn(
            batch.flatMap((t) => ('sid' in t ? [t.sid] : [])),
            batch.flatMap((t) => ('dn' in t ? [t.dn] : [])),
          ),
          attributes: NAME_ATTRIBUTES,
          binaryAttributes: ['objectSid'],
        }),
      ),
    );
    return results.flat().map(toNamedObject);
  }
}
