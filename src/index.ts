/**
 * @since 2.0.0
 */

/**
 * AWS credentials as an Effect service (static, Config, environment, refreshing).
 *
 * @since 2.0.0
 */
export * as Credentials from "./Credentials.js"

/**
 * AWS Signature Version 4 as pure functions on wire requests.
 *
 * @since 2.0.0
 */
export * as SigV4 from "./SigV4.js"

/**
 * @since 2.0.0
 */
export { SigningError } from "./SigningError.js"
