import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import session from 'express-session';
import passport from 'passport';
import type { SspiStrategy } from 'passport-sspi';
import { SspiAuthGuard } from 'passport-sspi/nest';
import { basicAccountStrategy, type ExampleAppOptions } from 'example-shared';
import { appController } from './app.controller';
import { JsonErrorFilter } from './json-error.filter';
import { SSPI_OPTIONS, WindowsStrategy } from './windows.strategy';

export interface ExampleApp {
  readonly app: INestApplication;
  /** The strategy, so main.ts can await its ready() and tests can count its pending handshakes. */
  readonly strategy: SspiStrategy;
}

/**
 * The example app on NestJS (Express platform): the strategy is a provider through @nestjs/passport's
 * `PassportStrategy(SspiStrategy)`, and routes use passport-sspi's `SspiAuthGuard`, which keeps the handshake
 * (challenge, next legs) that @nestjs/passport's `AuthGuard` loses. With `session`, the first sign-in is kept in
 * express-session's cookie; with `basic`, one local account may sign in with HTTP Basic instead.
 */
export async function createApp(options: ExampleAppOptions = {}): Promise<ExampleApp> {
  if (options.basic) passport.use(basicAccountStrategy(options.basic));
  const signIn = SspiAuthGuard(options.basic ? ['sspi', 'basic'] : 'sspi', { session: Boolean(options.session) });

  @Module({
    imports: [PassportModule],
    controllers: [appController(signIn)],
    providers: [WindowsStrategy, { provide: SSPI_OPTIONS, useValue: options.sspi ?? {} }],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.useGlobalFilters(new JsonErrorFilter());
  if (options.session) {
    // The user is small plain data: the session keeps it whole.
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    app.use(
      session({ secret: options.session.secret, resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }),
    );
    app.use(passport.initialize());
    app.use(passport.session());
  }
  return { app, strategy: app.get(WindowsStrategy) };
}
