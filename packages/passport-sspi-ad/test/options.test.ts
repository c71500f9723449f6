import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { optionsFromEnvironment, parseKerberosBind } from '../src/environment';
import { AdOptionsError } from '../src/errors';
import { resolveOptions } from '../src/options';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const base = { url: 'ldaps://dc1.corp.test', bind: { dn: 'svc-ldap@corp.test', password: 'pw' } };

function optionError(options: unknown): AdOptionsError {
  try {
    resolveOptions(options);
  } catch (err) {
    if (err instanceof AdOptionsError) return err;
    throw err;
  }
  throw new Error('resolveOptions accepted the options');
}

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    const r = resolveOptions(base);
    expect(r.dcs).toEqual({ kind: 'fixed', endpoints: [{ host: 'dc1.corp.test', port: 636, transport: 'ldaps' }] });
    expect(r).toMatchObject({
      onError: 'refuse',
      photo: true,
      groups: true,
      groupBatchSize: 100,
      timeouts: { connect: 5000, operation: 10000 },
      cache: { enabled: true, max: 1000, ttl: 600000, notFoundTtl: 30000 },
      bind: { method: 'simple', dn: 'svc-ldap@corp.test', password: 'pw' },
    });
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('reads ldap:// as StartTLS on 389 and keeps explicit ports', () => {
    const r = resolveOptions({ ...base, url: ['ldap://dc1.corp.test', 'ldaps://[::1]:1636'] });
    expect(r.dcs).toEqual({
      kind: 'fixed',
      endpoints: [
        { host: 'dc1.corp.test', port: 389, transport: 'starttls' },
        { host: '::1', port: 1636, transport: 'ldaps' },
      ],
    });
  });

  it('discovers by domain, lower-cased, with DNS servers', () => {
    const r = resolveOptions({ bind: base.bind, domain: 'CORP.test.', dnsServers: ['127.0.0.10', '127.0.0.10:53'] });
    expect(r.dcs).toEqual({ kind: 'discover', domain: 'corp.test', dnsServers: ['127.0.0.10', '127.0.0.10:53'], transport: 'ldaps' });
  });

  it('loads the CA from PEM text, a Buffer or a file now', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-ca-'));
    tempDirs.push(dir);
    const file = path.join(dir, 'ca.pem');
    fs.writeFileSync(file, PEM);
    const r = resolveOptions({ ...base, ca: [PEM, Buffer.from(PEM), file] });
    expect(r.ca?.map((b) => b.toString())).toEqual([PEM, PEM, PEM]);
  });

  it.each<[string, unknown, RegExp]>([
    ['options', null, /^options: must be an object/],
    ['options.bind', { url: base.url }, /bind: is required/],
    ['options.url', { bind: base.bind }, /url: or options.domain is required/],
    ['options.url', { ...base, url: 'http://dc1' }, /must start with ldaps:\/\//],
    ['options.url', { ...base, url: 'ldaps://dc1/DC=corp,DC=test' }, /only the server/],
    ['options.url[1]', { ...base, url: ['ldaps://a', 'nope'] }, /not a URL/],
    ['options.transport', { ...base, transport: 'starttls' }, /applies to discovered DCs only/],
    ['options.bind.password', { ...base, bind: { dn: 'x' } }, /non-empty string/],
    ['options.bind.password', { ...base, bind: { dn: 'x', password: '' } }, /non-empty/],
    ['options.bind.dn', { ...base, bind: { password: 'x' } }, /required for a simple bind/],
    ['options.bind.method', { ...base, bind: { method: 'ntlm' } }, /'simple' or 'kerberos'/],
    ['options.bind.mechanism', { ...base, bind: { method: 'kerberos', mechanism: 'PLAIN' } }, /GSS-SPNEGO/],
    ['options.bind.principal', { ...base, bind: { method: 'kerberos', principal: 'svc@R' } }, /give bind.keytab too/],
    ['options.bind.ccache', { ...base, bind: { method: 'kerberos', ccache: 'FILE:/x', keytab: '/k' } }, /excludes bind.keytab/],
    ['options.bind.credentials', { ...base, bind: { method: 'kerberos', credentials: {} } }, /usage 'initiate'/],
    ['options.bind.target', { ...base, bind: { method: 'kerberos', target: 'dc1' } }, /ldap\/dc1/],
    ['options.ca', { ...base, ca: '/no/such/ca.pem' }, /cannot read/],
    ['options.ca', { ...base, ca: [] }, /empty array/],
    ['options.cache', { ...base, cache: true }, /object or false/],
    ['options.cache.ttl', { ...base, cache: { ttl: -1 } }, /positive whole number/],
    ['options.timeouts.connect', { ...base, timeouts: { connect: 1.5 } }, /positive whole number/],
    ['options.onError', { ...base, onError: 'ignore' }, /'refuse' or 'continue'/],
    ['options.attributes[0]', { ...base, attributes: ['mail)(x'] }, /not an LDAP attribute name/],
    ['options.dnsServers[0]', { ...base, url: undefined, domain: 'corp.test', dnsServers: ['dns.example'] }, /IP address/],
    ['options.domain', { bind: base.bind, domain: 'corp test' }, /not a DNS domain/],
    ['options.netbiosDomain', { ...base, netbiosDomain: 'MUCH-TOO-LONG-NAME' }, /NetBIOS/],
    ['options.logger', { ...base, logger: {} }, /debug/],
    ['options.urls', { ...base, urls: [] }, /not an option/],
    ['options.bind.target', { url: 'ldaps://127.0.0.10', bind: { method: 'kerberos' } }, /DC given by address \(127\.0\.0\.10\)/],
  ])('names %s when wrong', (option, options, message) => {
    const err = optionError(options);
    expect(err.option).toBe(option);
    expect(err.code).toBe('ERR_AD_OPTION');
    expect(err.message).toMatch(message);
  });

  it('takes a Kerberos bind to a DC by address once the name is known (target or servername)', () => {
    expect(resolveOptions({ url: 'ldaps://127.0.0.10', bind: { method: 'kerberos', target: 'ldap/dc1.corp.test' } }).bind).toMatchObject({ target: 'ldap/dc1.corp.test' });
    expect(resolveOptions({ url: 'ldaps://127.0.0.10', servername: 'dc1.corp.test', bind: { method: 'kerberos' } }).servername).toBe('dc1.corp.test');
  });

  it('turns the cache off with false', () => {
    expect(resolveOptions({ ...base, cache: false }).cache.enabled).toBe(false);
  });
});

describe('optionsFromEnvironment', () => {
  it('reads every variable', () => {
    const options = optionsFromEnvironment(
      {},
      {
        AD_LDAP_URL: 'ldaps://dc1.corp.test, ldaps://dc2.corp.test',
        AD_LDAP_CA: '/etc/ad-ca.pem',
        AD_BASE_DN: 'DC=corp,DC=test',
        AD_BIND_DN: 'svc-ldap@corp.test',
        AD_BIND_PW: 'secret',
        AD_DOMAIN: 'corp.test',
        AD_DNS_SERVERS: '127.0.0.10',
        AD_LDAP_SERVERNAME: 'dc1.corp.test',
      },
    );
    expect(options).toEqual({
      url: ['ldaps://dc1.corp.test', 'ldaps://dc2.corp.test'],
      ca: '/etc/ad-ca.pem',
      baseDn: 'DC=corp,DC=test',
      domain: 'corp.test',
      dnsServers: ['127.0.0.10'],
      servername: 'dc1.corp.test',
      bind: { dn: 'svc-ldap@corp.test', password: 'secret' },
    });
  });

  it('lets overrides win', () => {
    expect(optionsFromEnvironment({ onError: 'continue', url: 'ldaps://x' }, { AD_LDAP_URL: 'ldaps://y' })).toEqual({ onError: 'continue', url: 'ldaps://x' });
  });

  it('reads the Kerberos bind', () => {
    expect(parseKerberosBind('1')).toEqual({ method: 'kerberos' });
    expect(parseKerberosBind('principal=svc-http@CORP.TEST, keytab=/etc/http.keytab')).toEqual({
      method: 'kerberos',
      principal: 'svc-http@CORP.TEST',
      keytab: '/etc/http.keytab',
    });
    expect(optionsFromEnvironment({}, { AD_KERBEROS_BIND: 'ccache=FILE:/tmp/cc,mechanism=GSSAPI' }).bind).toEqual({
      method: 'kerberos',
      ccache: 'FILE:/tmp/cc',
      mechanism: 'GSSAPI',
    });
  });

  it('reads a client keytab from AD_KERBEROS_KEYTAB and AD_KERBEROS_PRINCIPAL', () => {
    expect(optionsFromEnvironment({}, { AD_KERBEROS_KEYTAB: '/etc/svc.keytab', AD_KERBEROS_PRINCIPAL: 'svc@CORP.TEST' }).bind).toEqual({
      method: 'kerberos',
      keytab: '/etc/svc.keytab',
      principal: 'svc@CORP.TEST',
    });
    expect(optionsFromEnvironment({}, { AD_KERBEROS_KEYTAB: '/etc/svc.keytab' }).bind).toEqual({ method: 'kerberos', keytab: '/etc/svc.keytab' });
  });

  it.each<[Record<string, string>, string]>([
    [{ AD_KERBEROS_PRINCIPAL: 'svc@R' }, 'AD_KERBEROS_KEYTAB'],
    [{ AD_KERBEROS_KEYTAB: '/k', AD_BIND_DN: 'x', AD_BIND_PW: 'y' }, 'AD_KERBEROS_KEYTAB'],
    [{ AD_KERBEROS_KEYTAB: '/k', AD_KERBEROS_BIND: '1' }, 'AD_KERBEROS_BIND'],
    [{ AD_KERBEROS_BIND: 'user=x' }, 'AD_KERBEROS_BIND'],
    [{ AD_KERBEROS_BIND: '1', AD_BIND_DN: 'x', AD_BIND_PW: 'y' }, 'AD_KERBEROS_BIND'],
    [{ AD_BIND_DN: 'x' }, 'AD_BIND_PW'],
    [{ AD_BIND_PW: 'x' }, 'AD_BIND_DN'],
  ])('names the variable when %j is wrong', (env, option) => {
    expect(() => optionsFromEnvironment({}, env)).toThrow(expect.objectContaining({ option, code: 'ERR_AD_OPTION' }));
  });
});
