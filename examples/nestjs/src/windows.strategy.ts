import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { SspiStrategy, type SspiStrategyOptions, type SspiUser } from 'passport-sspi';

/** Provider token for the strategy options (from the environment in main.ts, from the test in tests). */
export const SSPI_OPTIONS = Symbol('SSPI_OPTIONS');

/**
 * The strategy as a Nest provider, registered with passport under the name 'sspi'. `validate()` is verify: it
 * maps the Windows user to the app's; returning false or null answers 403, throwing answers through Nest's
 * exception filters.
 */
@Injectable()
export class WindowsStrategy extends PassportStrategy(SspiStrategy, 'sspi') {
  constructor(@Inject(SSPI_OPTIONS) options: SspiStrategyOptions) {
    super(options);
  }

  validate(user: SspiUser): SspiUser {
    return user;
  }
}
