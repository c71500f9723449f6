import { buildEnricher } from '../src/enricher';
import { AdInputError, AdUnreachableError } from '../src/errors';
import { requireGroup } from '../src/guard';
import { isMemberOf } from '../src/membership';
import { resolveOptions } from '../src/options';
import type { AdGroup, AdProfile, SignedInUser } from '../src/types';
import { FakeDirectory, sidOf } from './support/fake-directory';

const signedIn: SignedInUser = { principal: 'alice@CORP.TEST', user: 'alice', domain: 'CORP.TEST', mechanism: 'Kerberos', sid: sidOf(1104), groupsFrom: 'none' };
const groups: AdGroup[] = [
  { sid: sidOf(1200), name: 'CORP\\Engineering', account: 'Engineering' },
  { sid: sidOf(1202), name: 'CORP\\Web Admins', account: 'Web Admins' },
  { sid: sidOf(1300), name: 'CORP\\Ärzte', account: 'Ärzte' },
  { sid: sidOf(1301) },
];
const enriched = { ...signedIn, ad: { enriched: true, groups } as unknown as AdProfile };

describe('isMemberOf', () => {
  it.each([
    ['CORP\\Web Admins', true],
    ['corp\\web admins', true],
    ['Web Admins', true],
    ['ÄRZTE', true],
    ['OTHER\\Web Admins', false],
    ['Web', false],
    [sidOf(1301), true],
    [sidOf(1301).toLowerCase(), true],
    [sidOf(9999), false],
  ])('%s -> %s', (group, expected) => {
    expect(isMemberOf(enriched, group)).toBe(expected);
  });

  it('tests SIDs on a sign-in that was not enriched', () => {
    expect(isMemberOf({ ...signedIn, groups: [{ sid: sidOf(1200) }] }, sidOf(1200))).toBe(true);
    expect(isMemberOf({ ...signedIn, groups: [{ sid: sidOf(1200), name: 'CORP\\Engineering' }] }, 'Engineering')).toBe(true);
  });

  it.each(['', '   ', 'S-1-5-x'])('refuses the group reference %j', (group) => {
    expect(() => isMemberOf(enriched, group)).toThrow(AdInputError);
  });
});

/** Just enough of a Node response for the Express form. */
class FakeResponse {
  statusCode = 200;
  headers: Record<string, string> = {};
  body: string | undefined;
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  end(body: string): void {
    this.body = body;
  }
}

function runExpress(guard: ReturnType<typeof requireGroup>, req: unknown): Promise<{ res: FakeResponse; nexted: boolean; error?: unknown }> {
  return new Promise((resolve) => {
    const res = new FakeResponse();
    const originalEnd = res.end.bind(res);
    res.end = (body: string) => {
      originalEnd(body);
      resolve({ res, nexted: false });
    };
    guard.express(req, res, (error?: unknown) => resolve({ res, nexted: true, error }));
  });
}

describe('requireGroup', () => {
  const guard = requireGroup(() => enriched, 'CORP\\Web Admins');

  it('lets members through (Express)', async () => {
    const { nexted, error } = await runExpress(guard, {});
    expect(nexted).toBe(true);
    expect(error).toBeUndefined();
  });

  it('answers 401 without a user and 403 JSON for non-members (Express)', async () => {
    const none = await runExpress(requireGroup(() => undefined, 'X'), {});
    expect(none.res.statusCode).toBe(401);
    expect(JSON.parse(none.res.body!)).toEqual({ error: 'sign in first', code: 'ERR_AD_NOT_SIGNED_IN' });
    const outsider = await runExpress(requireGroup(() => enriched, 'CORP\\Domain Admins'), {});
    expect(outsider.res.statusCode).toBe(403);
    expect(outsider.res.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(outsider.res.body!)).toMatchObject({ code: 'ERR_AD_NOT_A_MEMBER' });
  });

  it('answers 503 when enrichment failed under continue (fails closed)', async () => {
    const { res } = await runExpress(requireGroup(() => ({ ...signedIn, ad: { enriched: false as const, reason: 'down', code: 'ERR_AD_UNREACHABLE' } }), 'X'), {});
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!)).toMatchObject({ code: 'ERR_AD_UNREACHABLE' });
  });

  it('works as Koa middleware with ctx.state.user by default', async () => {
    const dir = new FakeDirectory();
    dir.addGroup({ account: 'Web Admins', rid: 1202 });
    dir.addUser({ account: 'alice', rid: 1104, tokenGroupRids: [1202] });
    const enrich = buildEnricher(resolveOptions({ url: 'ldaps://dc', bind: { dn: 'a', password: 'b' } }), dir);
    const koaGuard = requireGroup(enrich, ['CORP\\Nobody', 'Web Admins']);
    let reached = false;
    const ctx = { status: 404, body: undefined as unknown, state: { user: signedIn } };
    await koaGuard.koa(ctx, async () => {
      reached = true;
    });
    expect(reached).toBe(true);
    const empty = { status: 404, body: undefined as unknown, state: {} };
    await koaGuard.koa(empty, async () => undefined);
    expect(empty.status).toBe(401);
    dir.failWith = new AdUnreachableError('down');
    enrich.clearCache();
    const down = { status: 404, body: undefined as unknown, state: { user: signedIn } };
    await koaGuard.koa(down, async () => undefined);
    expect(down).toMatchObject({ status: 503, body: { code: 'ERR_AD_UNREACHABLE' } });
  });

  it('is itself Express middleware and Koa middleware (told apart by the second argument)', async () => {
    const both = requireGroup(() => enriched, 'Web Admins');
    const expressOutcome = await new Promise<string>((resolve) => {
      const res = new FakeResponse();
      res.end = () => resolve(`ended ${res.statusCode}`);
      both({}, res, () => resolve('next'));
    });
    expect(expressOutcome).toBe('next');
    let reached = false;
    const ctx = { status: 404, body: undefined as unknown, state: { user: signedIn } };
    await requireGroup(() => ({ ...signedIn, ad: { enriched: true, groups: [] } as unknown as AdProfile }), 'Web Admins')(ctx, async () => {
      reached = true;
    });
    expect(reached).toBe(false);
    expect(ctx).toMatchObject({ status: 403, body: { code: 'ERR_AD_NOT_A_MEMBER' } });
    await both(ctx, async () => {
      reached = true;
    });
    expect(reached).toBe(true);
  });

  it('lets a failed enrichment through when the sign-in groups already prove membership', async () => {
    const user = { ...signedIn, groups: [{ sid: sidOf(1202) }], ad: { enriched: false as const, reason: 'down', code: 'ERR_AD_UNREACHABLE' } };
    await expect(requireGroup(() => user, sidOf(1202)).check(user)).resolves.toEqual({ status: 200 });
    await expect(requireGroup(() => user, sidOf(1203)).check(user)).resolves.toMatchObject({ status: 503 });
  });

  it('answers 403 for a user the directory does not know', async () => {
    const dir = new FakeDirectory();
    const enrich = buildEnricher(resolveOptions({ url: 'ldaps://dc', bind: { dn: 'a', password: 'b' } }), dir);
    await expect(requireGroup(enrich, 'X').check(signedIn)).resolves.toMatchObject({ status: 403 });
  });

  it('passes unexpected errors to next()', async () => {
    const failing = requireGroup(() => Promise.reject(new Error('boom')), 'X');
    const { nexted, error } = await runExpress(failing, {});
    expect(nexted).toBe(true);
    expect(error).toEqual(new Error('boom'));
  });

  it('refuses a malformed group at set-up', () => {
    expect(() => requireGroup(() => enriched, 'S-1-nope')).toThrow(AdInputError);
    expect(() => requireGroup(() => enriched, [])).toThrow(TypeError);
  });
});
