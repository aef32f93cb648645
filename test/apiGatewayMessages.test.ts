/**
 * API Gateway's authentication messages: every writer's text reads back, through
 * its parser, to the values it was written from; the parsers read the bodies
 * real API Gateway stages answered with; and they take no other message for
 * theirs.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as Messages from "../src/internal/apiGatewayMessages.js"

/** The `message` of an API Gateway error body. */
const messageOf = (body: string): string => (JSON.parse(body) as { message: string }).message

const amzDate = fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 }).map((seconds) =>
  new Date(seconds * 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")
)
const millisOf = (amz: string) =>
  Date.UTC(+amz.slice(0, 4), +amz.slice(4, 6) - 1, +amz.slice(6, 8), +amz.slice(9, 11), +amz.slice(11, 13), +amz.slice(13, 15))
/** What verify() writes: the allowed skew in milliseconds, stated in minutes. */
const skewMinutes = fc.integer({ min: 1, max: 7 * 24 * 3600 * 1000 }).map((millis) => millis / 60000)
/** Canonical requests hold no CR (header values with CR/LF are refused); anything else goes, quotes included. */
const canonicalText = fc.string({ unit: fc.oneof(fc.char(), fc.constantFrom("'", "\n", " ", "\t"), fc.fullUnicode()), maxLength: 200 })
  .filter((text) => !text.includes("\r"))
/** A string to sign never holds a quote. */
const stringToSignText = fc.string({ unit: fc.oneof(fc.char(), fc.constant("\n")), maxLength: 120 }).filter((text) => !text.includes("'"))
const name = fc.stringMatching(/^[a-z0-9-]{1,20}$/)

describe("writer then parser gives back what was written", () => {
  it.prop("signature mismatch: any canonical request, quotes and blank lines included", { canonicalRequest: canonicalText, stringToSign: stringToSignText }, (mismatch) => {
    expect(Messages.parseSignatureMismatchMessage(Messages.signatureMismatchMessage(mismatch.canonicalRequest, mismatch.stringToSign)))
      .toEqual(mismatch)
  })

  it.prop("signature expired: the request and server times, as text and as epoch milliseconds", { requestTime: amzDate, limitTime: amzDate, serverTime: amzDate, maxSkewMinutes: skewMinutes }, (skew) => {
    expect(Messages.parseSignatureExpiredMessage(Messages.signatureExpiredMessage(skew))).toEqual({
      ...skew,
      requestTimeMillis: millisOf(skew.requestTime),
      serverTimeMillis: millisOf(skew.serverTime)
    })
  })

  it.prop("signature not yet current", { requestTime: amzDate, limitTime: amzDate, serverTime: amzDate, maxSkewMinutes: skewMinutes }, (skew) => {
    expect(Messages.parseSignatureNotYetCurrentMessage(Messages.signatureNotYetCurrentMessage(skew))).toEqual({
      ...skew,
      requestTimeMillis: millisOf(skew.requestTime),
      serverTimeMillis: millisOf(skew.serverTime)
    })
  })

  it.prop("presigned URL expired", { requestTime: amzDate, expiresInSeconds: fc.integer({ min: 1, max: 604800 }), serverTime: amzDate }, (expiry) => {
    expect(Messages.parsePresignedExpiredMessage(Messages.presignedExpiredMessage(expiry))).toEqual({
      ...expiry,
      requestTimeMillis: millisOf(expiry.requestTime),
      serverTimeMillis: millisOf(expiry.serverTime)
    })
  })

  it.prop("wrong region and wrong service", { region: name, service: name }, ({ region, service }) => {
    expect(Messages.parseWrongRegionMessage(Messages.wrongRegionMessage(region))).toEqual({ signedRegion: region })
    expect(Messages.parseWrongServiceMessage(Messages.wrongServiceMessage(service))).toEqual({ expectedService: service })
  })

  it("the messages without values", () => {
    expect(Messages.isMissingAuthenticationToken(Messages.MISSING_AUTHENTICATION_TOKEN)).toBe(true)
    expect(Messages.isInvalidSecurityToken(Messages.INVALID_SECURITY_TOKEN)).toBe(true)
    expect(Messages.isExpiredSecurityToken(Messages.EXPIRED_SECURITY_TOKEN)).toBe(true)
  })
})

// Bodies that API Gateway stages answered with, as reported in public issues (source in each case).
// Only values that identify someone are replaced (an API key); wording, escapes and layout are as received.
describe("the bodies real API Gateway stages send", () => {
  it("signature mismatch (postmanlabs/postman-app-support#5815; the x-api-key value replaced)", () => {
    const body = String.raw`{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/services/sfs/v1/ownerships/1003234576898765/telematics/remote-engine/async-request\n\ncontent-type:application/json\nhost:pri-q1-eu.gtc20.com\nx-api-key:EXAMPLEKEYEXAMPLEKEYEXAMPLEKEYEXAMPLEKEY\nx-event-time:2018-11-07T05:55:10+00:00\nx-gtc-external-system-id:TSP\nx-one-time-uuid:fb5a68d8-88db-4065-9ae7-3f2cedd633b0\nx-vin:93210000000000000\n\ncontent-type;host;x-api-key;x-event-time;x-gtc-external-system-id;x-one-time-uuid;x-vin\n0d7b357bf5e4e4e27adf8b58537526719757200f60d7f601ac337e27b3542566'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20190123T095948Z\n20190123/eu-west-1/execute-api/aws4_request\n61d38f17aee9808e2c23939b04e74a10f9d35984ebab8ab282babc77d1c85d1d'\n"}`
    const parsed = Messages.parseSignatureMismatchMessage(messageOf(body))
    expect(parsed).toEqual({
      canonicalRequest: [
        "POST",
        "/services/sfs/v1/ownerships/1003234576898765/telematics/remote-engine/async-request",
        "",
        "content-type:application/json",
        "host:pri-q1-eu.gtc20.com",
        "x-api-key:EXAMPLEKEYEXAMPLEKEYEXAMPLEKEYEXAMPLEKEY",
        "x-event-time:2018-11-07T05:55:10+00:00",
        "x-gtc-external-system-id:TSP",
        "x-one-time-uuid:fb5a68d8-88db-4065-9ae7-3f2cedd633b0",
        "x-vin:93210000000000000",
        "",
        "content-type;host;x-api-key;x-event-time;x-gtc-external-system-id;x-one-time-uuid;x-vin",
        "0d7b357bf5e4e4e27adf8b58537526719757200f60d7f601ac337e27b3542566"
      ].join("\n"),
      stringToSign: "AWS4-HMAC-SHA256\n20190123T095948Z\n20190123/eu-west-1/execute-api/aws4_request\n61d38f17aee9808e2c23939b04e74a10f9d35984ebab8ab282babc77d1c85d1d"
    })
    // Our writer words it the same way, byte for byte.
    expect(Messages.signatureMismatchMessage(parsed!.canonicalRequest, parsed!.stringToSign)).toBe(messageOf(body))
  })

  it("signature expired (aws-amplify/aws-sdk-android#253)", () => {
    const body = `{"message":"Signature expired: 20170212T175938Z is now earlier than 20170215T145534Z (20170215T150034Z - 5 min.)"}`
    expect(Messages.parseSignatureExpiredMessage(messageOf(body))).toEqual({
      requestTime: "20170212T175938Z",
      limitTime: "20170215T145534Z",
      serverTime: "20170215T150034Z",
      maxSkewMinutes: 5,
      requestTimeMillis: Date.UTC(2017, 1, 12, 17, 59, 38),
      serverTimeMillis: Date.UTC(2017, 1, 15, 15, 0, 34)
    })
    const parsed = Messages.parseSignatureExpiredMessage(messageOf(body))!
    expect(Messages.signatureExpiredMessage(parsed)).toBe(messageOf(body))
  })

  it("signature not yet current (NickWaterton/Roomba980-Python#118)", () => {
    const body = `{"message":"Signature not yet current: 20230804T000000Z is still later than 20230803T172233Z (20230803T171733Z + 5 min.)"}`
    const parsed = Messages.parseSignatureNotYetCurrentMessage(messageOf(body))
    expect(parsed).toMatchObject({
      requestTime: "20230804T000000Z",
      serverTime: "20230803T171733Z",
      requestTimeMillis: Date.UTC(2023, 7, 4, 0, 0, 0),
      serverTimeMillis: Date.UTC(2023, 7, 3, 17, 17, 33)
    })
    expect(Messages.signatureNotYetCurrentMessage(parsed!)).toBe(messageOf(body))
  })

  it("a skew of other than 5 minutes (aws/aws-sdk-js#254)", () => {
    expect(Messages.parseSignatureExpiredMessage("Signature expired: 20140325T143453Z is now earlier than 20140325T143751Z (20140325T145251Z - 15 min.)"))
      .toMatchObject({ maxSkewMinutes: 15 })
  })

  it("wrong service, with AWS's trailing space (ex-aws/ex_aws#701, x-amz-apigw-id in the response)", () => {
    const body = `{"message":"Credential should be scoped to correct service: 'execute-api'. "}`
    expect(Messages.parseWrongServiceMessage(messageOf(body))).toEqual({ expectedService: "execute-api" })
  })

  it("wrong region, with the region signed for and without (joona/aws-es-curl#15, n8n-io/n8n#21337)", () => {
    expect(Messages.parseWrongRegionMessage(messageOf(`{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`)))
      .toEqual({ signedRegion: "eu-west-1" })
    expect(Messages.parseWrongRegionMessage(messageOf(`{\n  "message": "Credential should be scoped to a valid region."\n}`)))
      .toEqual({ signedRegion: null })
  })

  it("the messages without values", () => {
    expect(Messages.isMissingAuthenticationToken(messageOf(`{"message":"Missing Authentication Token"}`))).toBe(true)
    expect(Messages.isInvalidSecurityToken(messageOf(`{"message":"The security token included in the request is invalid."}`))).toBe(true)
    expect(Messages.isExpiredSecurityToken(messageOf(`{"message":"The security token included in the request is expired"}`))).toBe(true)
  })
})

describe("each parser takes only its own message", () => {
  const messages = [
    Messages.MISSING_AUTHENTICATION_TOKEN,
    Messages.INVALID_SECURITY_TOKEN,
    Messages.EXPIRED_SECURITY_TOKEN,
    Messages.signatureMismatchMessage("GET\n/\n\nhost:h\n\nhost\nabc", "AWS4-HMAC-SHA256\n20240101T000000Z\ns\nh"),
    Messages.signatureExpiredMessage({ requestTime: "20240101T000000Z", limitTime: "20240101T000500Z", serverTime: "20240101T001000Z", maxSkewMinutes: 5 }),
    Messages.signatureNotYetCurrentMessage({ requestTime: "20240101T002000Z", limitTime: "20240101T001500Z", serverTime: "20240101T001000Z", maxSkewMinutes: 5 }),
    Messages.presignedExpiredMessage({ requestTime: "20240101T000000Z", expiresInSeconds: 60, serverTime: "20240101T001000Z" }),
    Messages.wrongRegionMessage("eu-west-1"),
    Messages.wrongServiceMessage("execute-api")
  ]
  const parsers = [
    Messages.isMissingAuthenticationToken,
    Messages.isInvalidSecurityToken,
    Messages.isExpiredSecurityToken,
    Messages.parseSignatureMismatchMessage,
    Messages.parseSignatureExpiredMessage,
    Messages.parseSignatureNotYetCurrentMessage,
    Messages.parsePresignedExpiredMessage,
    Messages.parseWrongRegionMessage,
    Messages.parseWrongServiceMessage
  ] as ReadonlyArray<(message: string) => unknown>

  it("reads the message it belongs to, and no other", () => {
    messages.forEach((message, i) => {
      parsers.forEach((parse, j) => {
        const result = parse(message)
        if (i === j) expect(result, `parser ${j} on message ${i}`).toBeTruthy()
        else expect(result, `parser ${j} on message ${i}`).toBeFalsy()
      })
    })
  })

  it("refuses near misses: a bad date, a missing part, trailing text", () => {
    expect(Messages.parseSignatureExpiredMessage("Signature expired: 20241301T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)"))
      .toBeUndefined()
    expect(Messages.parseSignatureExpiredMessage("Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z")).toBeUndefined()
    expect(Messages.parseSignatureExpiredMessage("Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.) and more"))
      .toBeUndefined()
    expect(Messages.parseSignatureMismatchMessage("The Canonical String for this request should have been\n'unterminated")).toBeUndefined()
    expect(Messages.parseWrongRegionMessage("Credential should be scoped to a valid region, not 'eu-west-1")).toBeUndefined()
  })
})
