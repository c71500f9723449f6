import { Controller, Get, Header, HttpCode, Post, UseGuards, type CanActivate, type Type } from '@nestjs/common';
import { CurrentUser } from 'passport-sspi/nest';

/**
 * `/` is public; `/me` needs a sign-in and answers with the user as JSON. Built around the guard because the
 * guard's configuration (which strategies, sessions or not) comes from the environment at start-up.
 */
export function appController(signIn: Type<CanActivate>): Type<unknown> {
  @Controller()
  class AppController {
    @Get()
    @Header('Content-Type', 'text/plain; charset=utf-8')
    home(): string {
      return 'passport-sspi example (NestJS): GET /me signs you in with Windows (Negotiate).\n';
    }

    @Get('me')
    @UseGuards(signIn)
    me(@CurrentUser() user: unknown): unknown {
      return user;
    }

    /** A write behind sign-in, as a form would post. */
    @Post('me')
    @HttpCode(200)
    @UseGuards(signIn)
    post(@CurrentUser() user: unknown): unknown {
      return user;
    }
  }
  return AppController;
}
