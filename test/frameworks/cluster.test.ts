/**
 * WEB_CONCURRENCY: an example on several worker processes sharing one port (node:cluster), as `npm start` runs it.
 * A connection stays on the worker that accepted it, so NTLM's two legs meet the context the first one parked.
 */
import { realm as testRealm, realmEnv } from '../realm';
import { curl } from './curl';
import { expectRefusedStart, npmStart, portOf } from '../npm-start';
import { NTLM_PASSWORD, NTLM_USER } from '../../packages/passport-sspi/test/support/real-clients';

const realm = testRealm();

function start(env: Record<string, string>) {
  return npmStart('express', realmEnv({ PORT: '0', HOST: '127.0.0.1', ...env }));
}

describe('examples/express with WEB_CONCURRENCY=2', () => {
  it('serves Kerberos and connection-bound NTLM from two workers', async () => {
    const started = start({ WEB_CONCURRENCY: '2', SSPI_PACKAGES: 'Negotiate,Kerberos,NTLM' });
    try {
      const port = await portOf(started);
      expect(started.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/ .*2 worker processes/);
      const kerberos = await curl(port, ['--negotiate', '-u', ':'], realmEnv({ KRB5CCNAME: realm.users.alice.ccache }));
      expect(kerberos.status).toBe(200);
      expect(JSON.parse(kerberos.body)).toMatchObject({ principal: 'alice@SSPI.TEST' });
      // Round-robin spreads these connections over both workers; each handshake must finish where it began.
      const ntlm = await Promise.all(Array.from({ length: 12 }, () => curl(port, ['--ntlm', '-u', `${NTLM_USER}:${NTLM_PASSWORD}`], process.env)));
      expect(ntlm.map((reply) => reply.status)).toEqual(Array(12).fill(200));
      expect(ntlm.every((reply) => JSON.parse(reply.body).mechanism === 'NTLM')).toBe(true);
    } finally {
      await started.stop();
    }
  });

  it('does not come up when a worker cannot start, and says why', async () => {
    await expectRefusedStart(
      start({ WEB_CONCURRENCY: '2', KRB5_KTNAME: 'FILE:/nonexistent/http.keytab' }),
      /NoCredentialsError: [\s\S]*a worker stopped before it was listening/,
    );
  });

  it('refuses a WEB_CONCURRENCY that is no worker count, naming it', async () => {
    await expectRefusedStart(start({ WEB_CONCURRENCY: 'many' }), /WEB_CONCURRENCY="many" is not a worker count; use a number from 1 to 256, or auto/);
  });
});
