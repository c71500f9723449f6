/**
 * What verify hands back: the application's user (any truthy value, usually an object), or `false`/`null`/
 * `undefined` to refuse an authenticated user (answered 403, see {@link SspiStrategy}).
 */
export type SspiVerifyResult = unknown;

/** passport's usual `done(err, user, info)`. */
export type SspiVerifyCallback = (error: unknown, user?: SspiVerifyResult, info?: unknown) => void;

export type VerifyOutcome =
  | { readonly kind: 'accepted'; readonly user: unknown; readonly info: unknown }
  | { readonly kind: 'refused'; readonly info: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * Runs a verify function in either style and settles once: with `done`'s first call, the returned Promise's
 * settlement, or a synchronous throw, whichever comes first.
 */
export function runVerify(invoke: (done: SspiVerifyCallback) => unknown): Promise<VerifyOutcome> {
  return new Promise<VerifyOutcome>((resolve) => {
    const answer = (error: unknown, user?: unknown, info?: unknown): void => {
      if (error) resolve({ kind: 'error', error });
      else if (user) resolve({ kind: 'accepted', user, info });
      else resolve({ kind: 'refused', info });
    };
    try {
      const returned = invoke(answer);
      if (isThenable(returned)) {
        returned.then(
          (user) => answer(null, user),
          (error: unknown) => answer(error ?? new Error('verify rejected without a reason')),
        );
      }
    } catch (error) {
      answer(error ?? new Error('verify threw without a reason'));
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
