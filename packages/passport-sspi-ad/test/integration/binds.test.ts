/**
 * Connecting and binding to the real DC: LDAPS and StartTLS with the pinned CA, the typed refusals, and the
 * Kerberos SASL bind as far as the DC and sspi-native allow it today.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAdEnricher } from '../../src/create';
import { AdBindError, AdTlsError, AdUnreachableError } from '../../src/errors';
import { LdapConnection } from '../../src/ldap/connection';
import { resolveOptions, type AdEnricherOptions } from '../../src/options';
import { emptyStats } from '../../src/stats';
import { type DcEnv, describeWithDc, kerberosOptions, ldapsOptions, quiet, signedIn, useDcKerberos } from './support/dc';

/** Opens a connection with these options and returns whom the DC says we are. */
async function boundAs(options: AdEnricherOptions): Promise<string | undefined> {
  const connection = new LdapConnection(resolveOptions(options), emptyStats());
  try {
    await connection.open();
    return connection.boundAs;
  } finally {
    await connection.close();
  }
}

describeWithDc('binds against the Samba AD DC', (env: DcEnv) => {
  describe('simple bind', () => {
    it('binds over LDAPS with a UPN, and the DC says we are svc-ldap', async () => {
      await expect(boundAs(ldapsOptions(env))).resolves.toBe(env.users['svc-ldap'].sid);
    });

    it('binds over StartTLS (ldap://) with a DN', async () => {
      await expect(boundAs(ldapsOptions(env, { url: env.ldapUrl, bind: { dn: env.bind.dn, password: env.bind.password } }))).resolves.toBe(
        env.users['svc-ldap'].sid,
      );
    });

    it('binds with the DOMAIN\\name form too', async () => {
      await expect(boundAs(ldapsOptions(env, { bind: { dn: `${env.domain}\\svc-ldap`, password: env.bind.password } }))).resolves.toBe(env.users['svc-ldap'].sid);
    });

    it('counts one connect, one bind and one identity read', async () => {
      const enrich = createAdEnricher(ldapsOptions(env));
      await enrich.ready();
      expect(enrich.stats()).toMatchObject({ connects: 1, binds: 1 });
      await enrich.close();
    });
  });

  describe('refusals', () => {
    let otherCa: string;
    let wrongCaDir: string;
    beforeAll(() => {
      // A real CA that did not issue the DC's certificate.
      wrongCaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-wrong-ca-'));
      otherCa = path.join(wrongCaDir, 'other-ca.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=Some Other CA',
        '-days', '1', '-keyout', path.join(wrongCaDir, 'key.pem'), '-out', otherCa], { stdio: 'pipe' });
    });
    afterAll(() => fs.rmSync(wrongCaDir, { recursive: true, force: true }));

    it('refuses a DC whose certificate does not chain to the pinned CA (AdTlsError)', async () => {
      const err = await boundAs(ldapsOptions(env, { ca: otherCa })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdTlsError);
      expect(err).toMatchObject({ code: 'ERR_AD_TLS' });
      expect((err as AdTlsError).hint).toMatch(/options.ca/);
    });

    it('refuses the same over StartTLS', async () => {
      await expect(boundAs(ldapsOptions(env, { url: env.ldapUrl, ca: otherCa }))).rejects.toThrow(AdTlsError);
    });

    it('refuses a certificate that does not name the host (servername)', async () => {
      const err = await boundAs(ldapsOptions(env, { servername: 'intruder.corp.test' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdTlsError);
      expect((err as AdTlsError).hint).toMatch(/servername/);
    });

    it('reports a wrong password as bind refused, invalid credentials', async () => {
      const err = await boundAs(ldapsOptions(env, { bind: { dn: env.bind.upn, password: 'wrong' } })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdBindError);
      expect(err).toMatchObject({ code: 'ERR_AD_BIND_REFUSED', reason: 'invalid-credentials' });
      expect((err as AdBindError).hint).toMatch(/options.bind/);
    });

    it('reports LDAPS spoken to the StartTLS port (the DC resets it) with a hint at the port', async () => {
      const err = await boundAs(ldapsOptions(env, { url: `ldaps://${env.dcAddress}:389`, timeouts: { connect: 2000 } })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdUnreachableError);
      expect((err as AdUnreachableError).hint).toMatch(/636/);
    });
  });

  describe('Kerberos SASL bind (svc-http from its client keytab)', () => {
    beforeAll(() => useDcKerberos(env));

    // One BindRequest: the AP-REQ goes out with no security layer offered (TLS protects the connection, and AD
    // and Samba refuse sign/seal over it), the DC's success carries the AP-REP, which completes mutual auth.
    it('GSS-SPNEGO: binds in one request with no password and enriches alice over it', async () => {
      const enrich = createAdEnricher(kerberosOptions(env));
      try {
        const user = await enrich(signedIn(env.users.alice, env));
        if (!user.ad.enriched) throw new Error(user.ad.reason);
        expect(user.ad).toMatchObject({ account: 'alice', displayName: 'Alice Archer', manager: { displayName: 'Bob Baker' } });
        expect(user.ad.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['CORP\\Engineering', 'CORP\\AllStaff', 'CORP\\App Users']));
        expect(enrich.stats().binds).toBe(1);
      } finally {
        await enrich.close();
      }
    });

    // RFC 4752: after AP-REQ/AP-REP the DC sends a gss_wrap()ed security-layer offer that only gss_unwrap can read
    // and only a gss_wrap()ed answer can accept; sspi-native has neither.
    it('GSSAPI: stops exactly at the RFC 4752 security-layer step', async () => {
      const err = await boundAs(kerberosOptions(env, 'GSSAPI')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdBindError);
      expect((err as AdBindError).message).toMatch(/security-layer offer \(a \d+-byte Kerberos Wrap token\)/);
    });

    it('names a Kerberos failure (no ticket for the principal) as a bind refusal with a hint', async () => {
      const err = await boundAs({ ...kerberosOptions(env), bind: { method: 'kerberos', ccache: 'FILE:/nonexistent/ccache', target: `ldap/${env.dcHost}` } }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AdBindError);
      expect(err).toMatchObject({ reason: 'kerberos' });
    });

    it('names a keytab without the principal as a bind refusal', async () => {
      const err = await boundAs({ ...kerberosOptions(env), bind: { method: 'kerberos', keytab: env.keytab, principal: `nobody@${env.realm}`, target: `ldap/${env.dcHost}` } }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AdBindError);
      expect(err).toMatchObject({ reason: 'kerberos' });
    });
  });
});
