/**
 * options.delegation 'constrained' against the Samba AD DC: curl signs in as alice with Negotiate and forwards nothing
 * (a browser's default), and the route still calls a second service as alice, through S4U2Proxy, where the KDC lets
 * the service account delegate; where it does not, the route gets DelegationRefusedError.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import passport from 'passport';
import { SspiError, acquireCredentials, liveObjects, type Credentials } from 'sspi-native';
import { SspiStrategy } from '../../src/passport/strategy';
import { withDelegatedCredentials } from '../../src/delegation';
import { startServer, type RunningServer } from '../support/http';
import { RecordingLogger } from '../support/recording-logger';
import { waitFor } from '../support/wait';
import { secondHop } from '../support/second-hop';
import { dc, dcUserEnv, describeWithDc, type Dc } from '../../../../test/dc';
import { curl } from '../../../../test/frameworks/curl';

describeWithDc("options.delegation 'constrained' with the Samba AD DC", () => {
  let domain: Dc;
  let secondService: Credentials;
  /** The service's own: usage 'both' (its keys, and its TGT from the same keytab), as the strategy would acquire it. */
  let both: Credentials;
  let acceptOnly: Credentials;
  const servers: RunningServer[] = [];


  async function appWith(delegation: boolean | 'constrained'): Promise<RunningServer> {
    const auth = new passport.Passport();
    const strategy = new SspiStrategy(
      { credentials: delegation === 'constrained' ? both : acceptOnly, delegation, logger: new RecordingLogger() },
      (user, done) => done(null, user),
    );
    auth.use(strategy);
    const app = express();
    app.use(auth.initialize());
    app.get('/onwards/:which', auth.authenticate('sspi', { session: false }), async (req, res, next) => {
      try {
        const which = req.params['which'] === 'refused' ? 'refused' : 'allowed';
        const onwardsAs = await withDelegatedCredentials(req, (credentials) => secondHop(credentials, secondService, domain.constrainedDelegation[which]));
        res.json({ user: req.user, onwardsAs });
      } catch (error) {
        next(error);
      }
    });
    app.use((err: SspiError, _req: Request, res: Response, _next: NextFunction) => {
      res.status(502).json({ code: err.code });
    });
    const server = await startServer(app);
    servers.push(server);
    return server;
  }

  const asAlice = (server: RunningServer, path: string) =>
    curl(server.port, ['--negotiate', '-u', ':'], dcUserEnv(domain, 'alice'), path, domain.serviceHost);

  beforeAll(async () => {
    domain = dc();
    secondService = await acquireCredentials({ usage: 'accept', keytab: domain.keytab });
    acceptOnly = await acquireCredentials({ usage: 'accept', keytab: domain.keytab });
    both = await acquireCredentials({ usage: 'both', keytab: domain.keytab, principal: domain.serviceAccount.principal });
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const credentials of [secondService, acceptOnly, both]) credentials?.dispose();
    expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
  });

  it('a sign-in that forwarded nothing still calls the allowed service as alice; the credential ends with the response', async () => {
    const server = await appWith('constrained');
    const afterStart = liveObjects().credentials;
    const reply = await asAlice(server, '/onwards/allowed');
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as { user: Record<string, unknown>; onwardsAs: string };
    expect(body.onwardsAs).toBe('alice@CORP.TEST');
    expect(body.user).toMatchObject({ principal: 'alice@CORP.TEST', mechanism: 'Kerberos' });
    expect(JSON.stringify(body.user)).not.toMatch(/credential/i);
    // The S4U2Proxy credential was the request's, and went with its response.
    await waitFor(() => liveObjects().credentials === afterStart);
  });

  it('a service the account may not delegate to: the KDC refuses, and the route gets ERR_SSPI_DELEGATION_REFUSED', async () => {
    const server = await appWith('constrained');
    const reply = await asAlice(server, '/onwards/refused');
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toEqual({ code: 'ERR_SSPI_DELEGATION_REFUSED' });
  });

  it("a strategy given usage-accept credentials refuses 'constrained' at construction, naming the fix", () => {
    expect(() => new SspiStrategy({ credentials: acceptOnly, delegation: 'constrained' }, (user, done) => done(null, user))).toThrow(
      "options.delegation 'constrained' needs options.credentials acquired with usage 'both' (they have usage 'accept')",
    );
  });

  it('delegation true (forwarded tickets only): the same sign-in gets no credential', async () => {
    const server = await appWith(true);
    const reply = await asAlice(server, '/onwards/allowed');
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toEqual({ code: 'ERR_SSPI_NO_DELEGATED_CREDENTIALS' });
  });
});
