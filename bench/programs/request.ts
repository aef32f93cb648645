/**
 * The one request every budget signs, in Node and in the browser alike:
 * GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?limit=10&type=dog
 * with temporary credentials (a session token, signed), at a fixed time for
 * the agreement checks.
 */

export const endpoint = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
export const hostname = "abc123.execute-api.us-east-1.amazonaws.com"
export const path = "/pets"
export const query = "limit=10&type=dog"
export const url = `${endpoint}${path}?${query}`
export const region = "us-east-1"
export const service = "execute-api"
export const accessKeyId = "AKIDEXAMPLE"
export const secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/**
 * Shaped like an STS session token (base64 with the usual "IQoJb3JpZ2lu"
 * prefix), 300 characters, deterministic (a xorshift over the base64
 * alphabet); not a real token.
 */
export const sessionToken = ((): string => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  let state = 0x2545f491
  let token = "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQ"
  while (token.length < 300) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    token += alphabet[(state >>> 0) % 64]
  }
  return token
})()

/** The facade's request: the endpoint above carries the stage. */
export const facadeRequest = { method: "GET", path, queryParams: { limit: 10, type: "dog" } } as const

/** The time every agreement check signs at, and its x-amz-date. */
export const FIXED_TIME = Date.UTC(2024, 0, 15, 12, 34, 56)
export const FIXED_AMZ_DATE = "20240115T123456Z"
