// The one error a configuration's checks throw: the field it is about, and one line on the value and what is
// allowed there.

/** A mistake in a configuration, naming the field. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
