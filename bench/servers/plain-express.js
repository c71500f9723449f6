#!/usr/bin/env node
// The unauthenticated baseline of the session comparison: Express answering /me with the same JSON body as the
// signed-in route, no session, no passport. PORT and HOST as the examples read them.
'use strict';
const path = require('node:path');
const express = require(require.resolve('express', { paths: [path.join(__dirname, '..', '..', 'examples', 'express')] }));
const { ME_JSON } = require('./apache');

const app = express();
const body = JSON.parse(ME_JSON);
app.get('/me', (_req, res) => res.json(body));
const server = app.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1', () => {
  console.log(`plain-express listening on http://127.0.0.1:${server.address().port}/`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
