/**
 * The signed `@effect/platform` HttpClient under its first name: this subpath
 * (`api-gateway-request-signer/HttpClient`) is the same module as
 * `api-gateway-request-signer/SignedHttpClient`, kept so that existing
 * imports work. New code imports `SignedHttpClient`.
 *
 * @since 3.0.0
 * @module
 */
export * from "./SignedHttpClient.js"
