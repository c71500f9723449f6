// Native error objects as src/native/js_values.cc builds them, for fromNative()'s tests.

// GSS major statuses (routine error << 16), as the addon reports them.
export const GSS_S_BAD_MECH = 0x00010000;
export const GSS_S_NO_CRED = 0x00070000;
export const GSS_S_DEFECTIVE_TOKEN = 0x00090000;
export const GSS_S_CONTEXT_EXPIRED = 0x000c0000;
export const GSS_S_FAILURE = 0x000d0000;

/** A GSSAPI failure with these fields (operation, majorStatus, minorStatus, nativeMessage...). */
export function gssFailure(fields: Record<string, unknown>): Error {
  const message = typeof fields['nativeMessage'] === 'string' ? fields['nativeMessage'] : 'native failure';
  return Object.assign(new Error(message), { backend: 'gssapi', failure: 'native', ...fields });
}

/** An SSPI failure of `operation` with this SECURITY_STATUS or Win32 code. */
export function sspiFailure(operation: string, majorStatus: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error('Windows text'), {
    backend: 'sspi',
    failure: 'native',
    operation,
    majorStatus,
    minorStatus: 0,
    nativeMessage: 'Windows text',
    ...extra,
  });
}
