// `npm run start:realm`: the example with everything on loopback, in one command: the project's throwaway
// Kerberos realm SSPI.TEST (scripts/realm.sh, KDC on a free 127.0.0.1 port, files under <repo>/.realm), then
// `npm start` with KRB5_CONFIG, KRB5_KTNAME and KRB5RCACHEDIR pointing at it. The example itself starts the
// built-in OpenID Connect provider. Variables already set win. Ctrl-C stops the example; the KDC keeps running
// (`bash scripts/realm.sh stop` stops it).
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const realmDir = process.env.SSPI_REALM_DIR || path.join(root, '.realm');
execFileSync('bash', [path.join(root, 'scripts', 'realm.sh'), 'start', realmDir], { stdio: ['ignore', 'ignore', 'inherit'] });
const realm = JSON.parse(fs.readFileSync(path.join(realmDir, 'env.json'), 'utf8'));

const env = { ...realm.env, ...process.env };
const port = env.PORT || '3000';
console.log(
  `example-multi-provider: realm ${realm.realm} (KDC on 127.0.0.1:${realm.kdcPort}). Sign in as alice:\n` +
    `  Windows SSO:     KRB5_CONFIG=${realm.env.KRB5_CONFIG} KRB5CCNAME=${realm.users.alice.ccache} firefox http://localhost:${port}/login\n` +
    `                   (network.negotiate-auth.trusted-uris = localhost), or curl --negotiate -u : -c jar -L http://localhost:${port}/login/windows\n` +
    `  domain password: alice / ${realm.users.alice.password}`,
);
const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'main.js')], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
