import util from 'node:util';
import { createDebuglogLogger, redactToken } from '../src/logger';
import { ClockSkewError } from './support/native-errors';

describe('redactToken', () => {
  it('keeps the first 16 base64 characters and the length', () => {
    const token = 'YIIFyQYGKwYBBQUCoIIFvTCCBbmgMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCqKCBYMEggV';
    expect(redactToken(token)).toBe(`YIIFyQYGKwYBBQUC... (${token.length} chars)`);
  });

  it('shows a short token whole, since it carries nothing reusable', () => {
    expect(redactToken('YGA=')).toBe('YGA= (4 chars)');
  });
});

describe('the default logger', () => {
  it('writes through util.debuglog("passport-sspi") with fields, the typed error, its code and hint', () => {
    const lines: string[] = [];
    const section = Object.assign(
      jest.fn((format: string, ...args: unknown[]) => lines.push(util.format(format, ...args))),
      { enabled: true },
    );
    const debuglog = jest.spyOn(util, 'debuglog').mockReturnValue(section as unknown as util.DebugLogger);
    try {
      const logger = createDebuglogLogger();
      expect(debuglog).toHaveBeenCalledWith('passport-sspi');

      logger.debug('token received', { scheme: 'Negotiate', leg: 'initial', absent: undefined });
      const error = new ClockSkewError('clock skew too great', { hint: 'sync the clocks (NTP)' });
      logger.warn('authentication refused', error, { token: 'YIIF... (1200 chars)' });
      logger.warn('too many pending handshakes', undefined, { limit: 3 });

      expect(lines).toEqual([
        'token received scheme="Negotiate" leg="initial"',
        'authentication refused token="YIIF... (1200 chars)" error=ClockSkewError: clock skew too great ' +
          'code=ERR_SSPI_CLOCK_SKEW\n  hint: sync the clocks (NTP)',
        'too many pending handshakes limit=3',
      ]);
    } finally {
      debuglog.mockRestore();
    }
  });
});

describe('the default logger, section off', () => {
  it('neither writes nor reads the fields: a sign-in pays for no formatting', () => {
    const section = Object.assign(jest.fn(), { enabled: false });
    jest.spyOn(util, 'debuglog').mockReturnValue(section as unknown as util.DebugLogger);
    const read: string[] = [];
    const fields = new Proxy({ scheme: 'Negotiate' }, { get: (target, key) => (read.push(String(key)), Reflect.get(target, key)), ownKeys: (target) => (read.push('keys'), Reflect.ownKeys(target)) });
    try {
      const logger = createDebuglogLogger();
      logger.debug('token received', fields);
      logger.warn('authentication refused', new Error('x'), fields);
      expect(section).not.toHaveBeenCalled();
      expect(read).toEqual([]);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
