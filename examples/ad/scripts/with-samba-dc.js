// `npm run start:dc`: the example against the project's throwaway Samba domain (scripts/samba-dc.sh), in one
// command. Starts the DC in SSPI_DC_DIR (default /tmp/sspi-dc; provisioned on first use, needs root), points the
// example at it through the same variables a real domain uses, and runs it where the DC's winbind validates NTLM.
// `npm run start:dc -- --kerberos` binds to LDAP with the service's keytab instead of svc-ldap's password.
// Variables already set win.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startSambaDc, sambaDcExec, sambaDcUnavailable } = require('../../../test/samba-dc.js');

const unavailable = sambaDcUnavailable();
if (unavailable) {
  console.error(`example-ad: the Samba domain cannot run here: ${unavailable}`);
  process.exit(1);
}
const dir = process.env.SSPI_DC_DIR || '/tmp/sspi-dc';
const dc = startSambaDc(dir);

const kerberosBind = process.argv.includes('--kerberos');
const env = {
  KRB5_CONFIG: dc.krb5Config,
  KRB5_KTNAME: dc.keytab,
  SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM',
  AD_LDAP_URL: dc.ldapsUrl,
  AD_LDAP_CA: dc.caFile,
  // The URL names the DC by address; TLS and Kerberos need its host name.
  AD_LDAP_SERVERNAME: dc.dcHost,
  AD_BASE_DN: dc.baseDn,
  ...(kerberosBind
    ? { AD_KERBEROS_KEYTAB: dc.keytab, AD_KERBEROS_PRINCIPAL: dc.serviceAccount.principal }
    : { AD_BIND_DN: dc.bind.dn, AD_BIND_PW: dc.bind.password }),
  ...process.env,
};
for (const [key, value] of Object.entries(env)) if (value === '') delete env[key];

console.log(`example-ad: domain ${dc.realm} (${dc.domain}) on ${dc.dcAddress}; sign in as alice: ` +
  `KRB5_CONFIG=${dc.krb5Config} KRB5CCNAME=${dc.users.alice.ccache} curl --negotiate -u : http://${dc.serviceHost}:${env.PORT || 3000}/admin ` +
  `(${dc.serviceHost} must resolve to this host), or curl --ntlm -u 'CORP\\alice:${dc.users.alice.password}' ...`);
const [command, ...prefix] = sambaDcExec(dir);
const child = spawn(command, [...prefix, process.execPath, path.join(__dirname, '..', 'dist', 'main.js')], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
