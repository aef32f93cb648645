/**
 * The default retry policy's numbers, free of the Effect runtime so the
 * Promise facade can name them without loading Retry.
 *
 * @internal
 */

/** Retries of the default policy: 6 attempts in all. */
export const DEFAULT_RETRIES = 5
