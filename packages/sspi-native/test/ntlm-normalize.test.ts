// The GSSAPI backend's rewriting of NTLM messages gss-ntlmssp cannot parse (src/native/gssapi/ntlm_normalize.h),
// on crafted messages: which layouts are rewritten and how, and that broken ones are refused without reading
// outside the token. Creates no native objects; the end-to-end checks with real clients are in ntlm.test.ts
// and examples/express/test/ntlm.test.ts.
import crypto from 'node:crypto';

import { binding } from '../src/binding';
import type { TokenInspection } from '../src/binding';
import { liveObjects } from '../src/index';
import { AUTH_FIELDS, CURL_NEGOTIATE, NEGOTIATE_VERSION, OEM_DOMAIN_SUPPLIED, SIGNATURE, VERSION, authFields, authenticate, negTokenInit, negTokenResp, negotiate, u32, unwrapMechToken, utf16 } from './helpers/ntlm-messages';
import type { AuthenticateParts } from './helpers/ntlm-messages';

const inspect = (token: Buffer): TokenInspection => {
  const result = binding().inspectAcceptorToken(token);
  if (!result) throw new Error('the GSSAPI backend always inspects');
  return result;
};

/** Shaped like curl's: a 24-byte LMv2 response, an NTLMv2 response, names in UTF-16. */
const CURL_LIKE: AuthenticateParts = {
  lm: crypto.randomBytes(24),
  nt: crypto.randomBytes(112),
  domain: utf16('SSPI'),
  user: utf16('ntlmuser'),
  workstation: utf16('WORKSTATION'),
};

// ---- NEGOTIATE -------------------------------------------------------------------------------

describe('NEGOTIATE (type 1)', () => {
  it("gives curl's 32-byte message a zero Version and changes nothing else", () => {
    const r = inspect(CURL_NEGOTIATE);
    expect(r).toMatchObject({ outcome: 'rewritten', messageType: 1, wrapped: false, anonymous: false });
    expect(r.token).toHaveLength(40);
    expect(r.token!.subarray(0, 32)).toEqual(CURL_NEGOTIATE);
    expect(r.token!.subarray(32)).toEqual(Buffer.alloc(8));
  });

  it('leaves a message that carries its Version alone', () => {
    expect(inspect(negotiate({ flags: 0x00088207 | NEGOTIATE_VERSION, version: VERSION }))).toEqual({
      outcome: 'unchanged',
      messageType: 1,
      wrapped: false,
      anonymous: false,
    });
    // gss-ntlmssp's own client sends domain and workstation after the Version: also fine as it is.
    const full = negotiate({ version: VERSION, domain: Buffer.from('SSPI'), workstation: Buffer.from('HOST') });
    expect(inspect(full).outcome).toBe('unchanged');
  });

  it('moves supplied domain and workstation names behind the inserted Version', () => {
    const message = negotiate({ domain: Buffer.from('SSPI'), workstation: Buffer.from('TESTHOST') });
    expect(message.readUInt32LE(20)).toBe(32);
    const r = inspect(message);
    expect(r.outcome).toBe('rewritten');
    const out = r.token!;
    expect(out).toHaveLength(message.length + 8);
    expect(out.readUInt32LE(20)).toBe(40);
    expect(out.readUInt32LE(28)).toBe(44);
    expect(out.subarray(40, 44).toString('latin1')).toBe('SSPI');
    expect(out.subarray(44, 52).toString('latin1')).toBe('TESTHOST');
    expect(out.subarray(32, 40)).toEqual(Buffer.alloc(8));
  });

  it('completes the oldest 16-byte form (no fields, no Version) to 40 bytes', () => {
    const message = CURL_NEGOTIATE.subarray(0, 16);
    const r = inspect(message);
    expect(r.outcome).toBe('rewritten');
    expect(r.token).toEqual(Buffer.concat([message, Buffer.alloc(24)]));
  });

  it('refuses a 16-byte message that claims a domain it has no field for', () => {
    const message = Buffer.from(CURL_NEGOTIATE.subarray(0, 16));
    message.writeUInt32LE(message.readUInt32LE(12) | OEM_DOMAIN_SUPPLIED, 12);
    expect(inspect(message)).toMatchObject({ outcome: 'malformed', problem: expect.stringMatching(/no fields/) });
  });

  it.each([
    ['shorter than its header', 11, /before its message type/],
    ['shorter than the flags', 14, /shorter than its 16-byte fixed part/],
    ['cut inside the fields', 20, /ends inside its domain\/workstation fields/],
    ['cut inside the fields, one byte short', 31, /ends inside/],
  ])('refuses a message %s', (_name, length, problem) => {
    expect(inspect(CURL_NEGOTIATE.subarray(0, length))).toMatchObject({ outcome: 'malformed', problem: expect.stringMatching(problem) });
  });

  it.each([
    ['beyond the end', 4, 200, /ends beyond the message/],
    ['one byte too long', 5, 32, /ends beyond/],
    ['with an offset that would wrap 32 bits', 0xffff, 0xffffffff, /ends beyond/],
    ['into the fixed part', 4, 8, /overlaps the message's fixed part/],
  ])('refuses a supplied domain pointing %s', (_name, length, offset, problem) => {
    const message = negotiate({ domain: Buffer.from('SSPI') });
    message.writeUInt16LE(length, 16);
    message.writeUInt32LE(offset, 20);
    expect(inspect(message)).toMatchObject({ outcome: 'malformed', messageType: 1, problem: expect.stringMatching(problem) });
  });

  it('ignores fields the flags do not supply, as the library does, and leaves their bytes as they were', () => {
    const message = Buffer.from(CURL_NEGOTIATE);
    message.writeUInt16LE(0xffff, 16);
    message.writeUInt32LE(0xfffffff0, 20);
    const r = inspect(message);
    expect(r.outcome).toBe('rewritten');
    expect(r.token!.readUInt32LE(20)).toBe(0xfffffff0);
  });

  it('leaves layouts it does not recognise to the library', () => {
    // 36 bytes: a truncated Version. gss-ntlmssp refuses it itself (fewer than 40 bytes).
    expect(inspect(Buffer.concat([CURL_NEGOTIATE, Buffer.alloc(4)])).outcome).toBe('unchanged');
  });
});

// ---- AUTHENTICATE ----------------------------------------------------------------------------

describe('AUTHENTICATE (type 3)', () => {
  it("gives curl's layout (payload at 64) a zero Version and MIC, moving all six fields by 24 bytes", () => {
    const message = authenticate(CURL_LIKE);
    expect(message.readUInt32LE(16)).toBe(64);
    const r = inspect(message);
    expect(r).toMatchObject({ outcome: 'rewritten', messageType: 3, wrapped: false, anonymous: false });
    const out = r.token!;
    expect(out).toHaveLength(message.length + 24);
    expect(out.subarray(0, 12)).toEqual(message.subarray(0, 12));
    expect(out.readUInt32LE(60)).toBe(message.readUInt32LE(60)); // flags untouched
    expect(out.subarray(64, 88)).toEqual(Buffer.alloc(24));
    AUTH_FIELDS.forEach((_n, i) => expect(out.readUInt32LE(16 + 8 * i)).toBe(message.readUInt32LE(16 + 8 * i) + 24));
    expect(authFields(out)).toEqual(authFields(message));
    expect(out.subarray(88)).toEqual(message.subarray(64));
  });

  it('gives a message with a Version but no MIC (payload at 72) a zero MIC and keeps the Version', () => {
    const message = authenticate({ ...CURL_LIKE, version: VERSION });
    const r = inspect(message);
    expect(r.outcome).toBe('rewritten');
    const out = r.token!;
    expect(out).toHaveLength(message.length + 16);
    expect(out.subarray(64, 72)).toEqual(VERSION);
    expect(out.subarray(72, 88)).toEqual(Buffer.alloc(16));
    expect(authFields(out)).toEqual(authFields(message));
  });

  it('leaves a message with Version and MIC alone', () => {
    const message = authenticate({ ...CURL_LIKE, version: VERSION, mic: crypto.randomBytes(16) });
    expect(inspect(message)).toEqual({ outcome: 'unchanged', messageType: 3, wrapped: false, anonymous: false });
  });

  it('moves an empty field that points at the payload too, and leaves offset 0 alone', () => {
    const message = authenticate(CURL_LIKE); // key: empty, offset at the end of the payload
    const keyOffset = message.readUInt32LE(56);
    expect(keyOffset).toBe(message.length);
    message.writeUInt32LE(0, 48); // workstation empty at offset 0 ...
    message.writeUInt16LE(0, 44);
    message.writeUInt16LE(0, 46);
    const out = inspect(message).token!;
    expect(out.readUInt32LE(56)).toBe(keyOffset + 24);
    expect(out.readUInt32LE(48)).toBe(0); // ... stays at 0
  });

  it('recognises an anonymous (null session) message: no user, no NT response, LM empty or one zero byte', () => {
    expect(inspect(authenticate({ lm: Buffer.alloc(1) }))).toMatchObject({ outcome: 'rewritten', anonymous: true });
    expect(inspect(authenticate({}))).toMatchObject({ outcome: 'rewritten', anonymous: true });
    expect(inspect(authenticate({ lm: Buffer.alloc(1), version: VERSION, mic: Buffer.alloc(16) }))).toMatchObject({ outcome: 'unchanged', anonymous: true });
    expect(inspect(authenticate({ lm: Buffer.from([1]) })).anonymous).toBe(false);
    expect(inspect(authenticate({ lm: Buffer.alloc(1), user: utf16('x') })).anonymous).toBe(false);
    expect(inspect(authenticate(CURL_LIKE)).anonymous).toBe(false);
  });

  it.each([
    ['shorter than its fixed part', (m: Buffer) => m.subarray(0, 63), /shorter than its 64-byte fixed part/],
    ['cut inside the payload', (m: Buffer) => m.subarray(0, m.length - 1), /Workstation .* ends beyond the message/],
    ['with only its header', (m: Buffer) => m.subarray(0, 12), /shorter than its 64-byte fixed part/],
  ])('refuses a message %s', (_name, cut, problem) => {
    expect(inspect(cut(authenticate(CURL_LIKE)))).toMatchObject({ outcome: 'malformed', messageType: 3, problem: expect.stringMatching(problem) });
  });

  it.each(AUTH_FIELDS.map((name, i) => [name, i] as const))('refuses a %s field pointing outside the message, or wrapping', (_name, i) => {
    const at = 12 + 8 * i;
    for (const [length, offset] of [
      [1, 10_000],
      [0xffff, 64],
      [0xffff, 0xffffffff],
      [16, 0xfffffff8],
      [8, 40], // inside the fixed part
    ] as const) {
      const message = authenticate({ ...CURL_LIKE, key: crypto.randomBytes(16) });
      message.writeUInt16LE(length, at);
      message.writeUInt32LE(offset, at + 4);
      expect(inspect(message)).toMatchObject({ outcome: 'malformed', problem: expect.stringContaining(['LmChallengeResponse', 'NtChallengeResponse', 'DomainName', 'UserName', 'Workstation', 'EncryptedRandomSessionKey'][i]!) });
    }
  });

  it('leaves layouts between 64 and 88 it does not recognise to the library', () => {
    // Payload at 80: a MIC without a Version. gss-ntlmssp parses that itself (without the VERSION flag).
    const message = authenticate({ ...CURL_LIKE, mic: crypto.randomBytes(16) });
    expect(inspect(message).outcome).toBe('unchanged');
  });
});

// ---- Not NTLM, and SPNEGO ----------------------------------------------------------------------

describe('other tokens', () => {
  it.each([
    ['a Kerberos AP-REQ framing', Buffer.from('6082010006092a864886f71201020201006e', 'hex')],
    ['random bytes', crypto.randomBytes(64)],
    ['a single byte', Buffer.from([0x60])],
    ['an almost-signature', Buffer.from('NTLMSSP\x01\x01\0\0\0', 'latin1')],
  ])('passes %s through untouched', (_name, token) => {
    expect(inspect(token)).toEqual({ outcome: 'not-ntlm', messageType: 0, wrapped: false, anonymous: false });
  });

  it('leaves a CHALLENGE (or an unknown type) to the library', () => {
    const challenge = Buffer.concat([SIGNATURE, u32(2), Buffer.alloc(40)]);
    expect(inspect(challenge)).toMatchObject({ outcome: 'unchanged', messageType: 2 });
    expect(inspect(Buffer.concat([SIGNATURE, u32(7), Buffer.alloc(40)]))).toMatchObject({ outcome: 'unchanged', messageType: 7 });
  });
});

describe('NTLM inside SPNEGO', () => {
  it("rewrites curl's NEGOTIATE as NegTokenInit's mechToken and re-encodes every length around it", () => {
    const token = negTokenInit(CURL_NEGOTIATE);
    const r = inspect(token);
    expect(r).toMatchObject({ outcome: 'rewritten', messageType: 1, wrapped: true });
    expect(r.token).toHaveLength(token.length + 8);
    expect(unwrapMechToken(r.token!).inner).toEqual(inspect(CURL_NEGOTIATE).token);
    expect(r.token).toEqual(negTokenInit(inspect(CURL_NEGOTIATE).token!));
  });

  it('rewrites an AUTHENTICATE as NegTokenResp responseToken, keeping the mechListMIC after it', () => {
    const message = authenticate(CURL_LIKE);
    const mic = crypto.randomBytes(16);
    const r = inspect(negTokenResp(message, mic));
    expect(r).toMatchObject({ outcome: 'rewritten', messageType: 3, wrapped: true, anonymous: false });
    const { inner, mic: keptMic } = unwrapMechToken(r.token!, true);
    expect(inner).toEqual(inspect(message).token);
    expect(keptMic).toEqual(mic);
    expect(r.token).toEqual(negTokenResp(inspect(message).token!, mic));
  });

  it.each([100, 103, 104, 127, 200, 231, 232, 255, 300])('gets the lengths right when the token grows past a length-encoding boundary (payload %i bytes)', (size) => {
    const message = authenticate({ nt: crypto.randomBytes(size - 64) });
    const wrapped = negTokenResp(message);
    const r = inspect(wrapped);
    expect(r.outcome).toBe('rewritten');
    expect(r.token).toEqual(negTokenResp(inspect(message).token!));
  });

  it('leaves an SPNEGO token with a well-formed NTLM message alone', () => {
    const full = authenticate({ ...CURL_LIKE, version: VERSION, mic: Buffer.alloc(16) });
    expect(inspect(negTokenResp(full))).toEqual({ outcome: 'unchanged', messageType: 3, wrapped: true, anonymous: false });
  });

  it('reports a malformed NTLM message inside SPNEGO as malformed', () => {
    const broken = authenticate(CURL_LIKE).subarray(0, 40);
    expect(inspect(negTokenResp(broken))).toMatchObject({ outcome: 'malformed', wrapped: true, messageType: 3 });
    expect(inspect(negTokenInit(CURL_NEGOTIATE.subarray(0, 20)))).toMatchObject({ outcome: 'malformed', wrapped: true });
  });

  it.each([
    ['a truncated outer length', (t: Buffer) => t.subarray(0, t.length - 1)],
    ['trailing bytes', (t: Buffer) => Buffer.concat([t, Buffer.from([0])])],
    ['a long-form length of 5 bytes', (t: Buffer) => Buffer.concat([Buffer.from([0x60, 0x85, 0, 0, 0, 0, t.length - 2]), t.subarray(2)])],
    ['another mechanism OID', (t: Buffer) => Buffer.concat([t.subarray(0, 4), Buffer.from([0x2a]), t.subarray(5)])],
  ])('leaves SPNEGO with %s to the library', (_name, mangle) => {
    expect(inspect(mangle(negTokenInit(CURL_NEGOTIATE))).outcome).toBe('not-ntlm');
  });
});

describe('robustness', () => {
  const samples = (): Buffer[] => [
    CURL_NEGOTIATE,
    negotiate({ domain: Buffer.from('SSPI'), workstation: Buffer.from('HOST') }),
    authenticate(CURL_LIKE),
    authenticate({ ...CURL_LIKE, version: VERSION }),
    negTokenInit(CURL_NEGOTIATE),
    negTokenResp(authenticate(CURL_LIKE)),
    negTokenResp(authenticate(CURL_LIKE), crypto.randomBytes(16)),
  ];

  it('survives every truncation of every sample, and whatever it rewrites stays inside itself', () => {
    for (const sample of samples()) {
      for (let length = 1; length <= sample.length; length++) checkConsistent(sample.subarray(0, length));
    }
  });

  it('survives random corruption of every byte of every sample', () => {
    for (const sample of samples()) {
      for (let i = 0; i < 400; i++) {
        const copy = Buffer.from(sample);
        for (let k = 0; k < 3; k++) copy[crypto.randomInt(copy.length)] = crypto.randomInt(256);
        checkConsistent(copy);
      }
    }
  });

  /** A rewritten NTLM message (raw or unwrapped from SPNEGO) must be one whose non-empty fields lie inside it. */
  function checkConsistent(token: Buffer): void {
    const r = inspect(token);
    expect(['not-ntlm', 'unchanged', 'rewritten', 'malformed']).toContain(r.outcome);
    if (r.outcome !== 'rewritten') return;
    const message = r.wrapped ? unwrapMechToken(r.token!).inner : r.token!;
    if (r.messageType === 3) {
      expect(message.length).toBeGreaterThanOrEqual(88);
      authFields(message);
    } else {
      expect(message.length).toBeGreaterThanOrEqual(40);
    }
  }
});

it('created no native objects', () => {
  expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
});
