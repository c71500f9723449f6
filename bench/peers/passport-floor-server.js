'use strict';
// The floor any Passport strategy stands on, for the session comparison (P4): Express, passport.initialize() and
// passport.authenticate() with a strategy that signs every request in at once (no header read, no check), then
// /me answers the same JSON as the other servers. What it loses against plain Express is Passport's own cost.
//
//   PORT=8082 HOST=127.0.0.1 node passport-floor-server.js
const express = require('express');
const passport = require('passport');
const { Strategy } = require('passport-strategy');
const { ME_JSON } = require('../servers/apache');

const user = JSON.parse(ME_JSON);

class SignedInStrategy extends Strategy {
  constructor() {
    super();
    this.name = 'signed-in';
  }

  authenticate() {
    this.success(user);
  }
}

passport.use(new SignedInStrategy());

const app = express();
app.use(passport.initialize());
app.get('/me', passport.authenticate('signed-in', { session: false }), (req, res) => res.json(req.user));

const host = process.env.HOST || '127.0.0.1';
const server = app.listen(Number(process.env.PORT || 8082), host, () => {
  console.log(`listening on ${host}:${server.address().port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
