import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The signed-in user (what verify or the strategy's `validate()` returned), or one of its fields:
 * `me(@CurrentUser() user: SspiUser)`, `me(@CurrentUser('principal') principal: string)`.
 */
export const CurrentUser = createParamDecorator((field: string | undefined, context: ExecutionContext): unknown => {
  const user = context.switchToHttp().getRequest<{ user?: Record<string, unknown> }>().user;
  return field === undefined ? user : user?.[field];
});
