'use strict';
// The Node peer for the bench suite: what a minimal Passport strategy on npm `kerberos` looks like.
// Kerberos only, one round per request (no connection state, no NTLM, no limits): read
// `Authorization: Negotiate`, kerberos.initializeServer('HTTP@localhost'), server.step(token), answer the
// mutual token.
//
//   PORT=8081 HOST=127.0.0.1 KRB5_KTNAME=FILE:/path/http.keytab KRB5_CONFIG=... node kerberos-strategy-server.js
//
// SERVICE overrides the acceptor name (default HTTP@localhost). Prints "listening on HOST:PORT" when ready.
const express = require('express');
const passport = require('passport');
const { Strategy } = require('passport-strategy');
const kerberos = require('kerberos');

class KerberosStrategy extends Strategy {
  constructor(service) {
    super();
    this.name = 'kerberos';
    this.service = service;
  }

  authenticate(req) {
    const match = /^Negotiate\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(req.headers.authorization || '');
    if (!match) return this.fail('Negotiate', 401);
    kerberos
      .initializeServer(this.service)
      .then(async (server) => {
        await server.step(match[1]);
        if (!server.contextComplete) return this.fail('Negotiate', 401);
        if (server.response) req.res.setHeader('WWW-Authenticate', `Negotiate ${server.response}`);
        return this.success({ principal: server.username });
      })
      .catch(() => this.fail('Negotiate', 401));
  }
}

passport.use(new KerberosStrategy(process.env.SERVICE || 'HTTP@localhost'));

const app = express();
app.use(passport.initialize());
app.get('/me', passport.authenticate('kerberos', { session: false }), (req, res) => res.json(req.user));

const host = process.env.HOST || '127.0.0.1';
const server = app.listen(Number(process.env.PORT || 8081), host, () => {
  console.log(`listening on ${host}:${server.address().port}`);
});
