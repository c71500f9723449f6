// passport-sspi/nest: NestJS helpers. Needs @nestjs/common and passport (optional peer dependencies); register the
// strategy with @nestjs/passport's PassportStrategy(SspiStrategy) as usual.
export { SspiAuthGuard, type SspiAuthGuardOptions } from './sspi-auth-guard';
export { CurrentUser } from './current-user';
