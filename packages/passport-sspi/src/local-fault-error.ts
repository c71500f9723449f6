/** An error this server is to blame for (setup or use of the API, not the client): a stable code and a hint for the log. */
export abstract class LocalFaultError extends Error {
  abstract readonly code: string;
  /** sspi-native's `SspiError.fault` vocabulary. */
  readonly fault = 'local' as const;
  readonly hint: string;

  protected constructor(message: string, hint: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}
