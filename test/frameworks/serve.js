// Serves one example app for the behaviour suite, in its own process, under whichever node runs this file (the
// machine's, or Node 22/24/26 from scripts/node-linux.sh). Plain JavaScript, so every node version runs it as is.
//   node serve.js <express|koa|nestjs|nestjs-authguard>   options: JSON in SSPI_TEST_EXAMPLE_OPTIONS, plus
//                                         { skipReady: true } to leave credentials to the first sign-in.
// Reports { port, http2Port? } over IPC once listening on 127.0.0.1; answers 'stats' with the addon's live
// objects and the strategy's pending handshakes; exits on 'stop'.
'use strict';
const http = require('node:http');
const http2 = require('node:http2');
const path = require('node:path');

const framework = process.argv[2];
const example = path.join(__dirname, '..', '..', 'examples', framework.startsWith('nestjs') ? 'nestjs' : framework);
/** A module as the example resolves it (the same copies its app uses). */
const fromExample = (name) => require(require.resolve(name, { paths: [example] }));
const { skipReady, ...options } = JSON.parse(process.env.SSPI_TEST_EXAMPLE_OPTIONS || '{}');
// The addon the example itself loads: its liveObjects() count is the one that matters.
const { liveObjects } = fromExample('sspi-native');

/** Each example's createApp, turned into a request listener. */
const build = {
  async express() {
    const { app, strategy } = require(path.join(example, 'dist', 'app.js')).createApp(options);
    return { listener: app, strategy, http2: false };
  },
  async koa() {
    const { app, strategy } = require(path.join(example, 'dist', 'app.js')).createApp(options);
    return { listener: app.callback(), strategy, http2: true };
  },
  async nestjs() {
    const { app, strategy } = await require(path.join(example, 'dist', 'app.js')).createApp(options);
    await app.init();
    return { listener: app.getHttpAdapter().getInstance(), strategy, http2: false };
  },
  // What passport-sspi/nest's guard exists for: the example's strategy behind @nestjs/passport's own AuthGuard.
  async 'nestjs-authguard'() {
    fromExample('reflect-metadata');
    const { Controller, Get, Module, Req, UseGuards } = fromExample('@nestjs/common');
    const { NestFactory } = fromExample('@nestjs/core');
    const { AuthGuard, PassportModule } = fromExample('@nestjs/passport');
    const { SSPI_OPTIONS, WindowsStrategy } = require(path.join(example, 'dist', 'windows.strategy.js'));
    // The decorators applied by hand, as TypeScript would: plain JavaScript has no decorator syntax.
    class PlainController {
      me(req) {
        return req.user;
      }
    }
    const me = Object.getOwnPropertyDescriptor(PlainController.prototype, 'me');
    Req()(PlainController.prototype, 'me', 0);
    UseGuards(AuthGuard('sspi'))(PlainController.prototype, 'me', me);
    Get('me')(PlainController.prototype, 'me', me);
    Controller()(PlainController);
    class PlainModule {}
    Module({
      imports: [PassportModule],
      controllers: [PlainController],
      providers: [WindowsStrategy, { provide: SSPI_OPTIONS, useValue: options.sspi ?? {} }],
    })(PlainModule);
    const app = await NestFactory.create(PlainModule, { logger: ['error', 'warn'] });
    await app.init();
    return { listener: app.getHttpAdapter().getInstance(), strategy: app.get(WindowsStrategy), http2: false };
  },
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  if (!build[framework]) throw new Error(`unknown framework ${framework}`);
  const { listener, strategy, http2: servesHttp2 } = await build[framework]();
  if (!skipReady) await strategy.ready();
  const server = http.createServer(listener);
  const port = await listen(server);
  // Express (and Nest on it) cannot take node:http2's compatibility requests at all; Koa can.
  const h2 = servesHttp2 ? http2.createServer(listener) : undefined;
  const http2Port = h2 ? await listen(h2) : undefined;
  process.on('message', (message) => {
    if (message === 'stats') process.send({ stats: { ...liveObjects(), pending: strategy.pendingHandshakes } });
    if (message === 'stop') {
      server.closeAllConnections();
      server.close();
      h2?.close();
      process.exit(0);
    }
  });
  process.send({ listening: { port, ...(http2Port && { http2Port }), node: process.version } });
}

main().catch((error) => {
  console.error(`serve.js ${framework}: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
