/**
 * From what the caller describes to what goes on the wire. Everything the
 * signature covers is decided here, once, and nothing here depends on time
 * or credentials, so retries sign the same prepared request again: the URL
 * (path and query exactly as clients send them), the headers, the body bytes
 * and their hash, and the canonical forms of all of them.
 *
 * Reading order, one request of the facade or `Signer` from input to
 * `Authorization`:
 * 0. a URL (signer.fetch, a web `Request`, axios, got) is first made a path
 *    under the endpoint (`target`);
 * 1. here, `prepareRequest`: method (`method`), path (`path`,
 *    `pathSegment`), query (`query`, `collections`), headers
 *    (`headers`, `assembleHeaders`), body (`body`), each with its canonical
 *    form (`sigv4/canonicalPath`, `sigv4/canonicalQuery`,
 *    `sigv4/canonicalHeaders`, `sigv4/payloadHash`);
 * 2. per attempt, `signPrepared` (`internal/signPrepared.ts`), with the
 *    time and the credentials;
 * 3. `signCanonical` (`sigv4/headerSigning.ts`): the date, the string to sign
 *    and the signature (`sigv4/signature`, `sigv4/signingKey`), then the
 *    headers to add (`sigv4/signatureHeaders`). Presigning takes
 *    `presignCanonical` (`sigv4/presign.ts`) instead.
 *
 * @internal
 */
import type { HttpMethod } from "../../HttpMethods.js"
import type { RequestToSign, SignedBody } from "../../SignedRequest.js"
import { invalidRequest } from "../signingErrors.js"
import type { Endpoint } from "../../Signer.js"
import { sortedCanonicalEntries } from "../sigv4/canonicalHeaders.js"
import { canonicalPath } from "../sigv4/canonicalPath.js"
import { defaultPayloadHashFor, sendsPlusEscaped } from "../sigv4/serviceRules.js"
import { type EncodedQueryPair, joinQueryPairs, parseQueryString, sortQueryPairs } from "../sigv4/canonicalQuery.js"
import { EMPTY_PAYLOAD_HASH, sha256Hex } from "../sigv4/payloadHash.js"
import type { CanonicalInput } from "../sigv4/headerSigning.js"
import { safely } from "../guard.js"
import { displayUrl } from "../scrub.js"
import { assembleHeaders } from "./assembleHeaders.js"
import { prepareBody } from "./body.js"
import { checkWellFormed, describe, quoteAtLoneSurrogate } from "./describe.js"
import { prepareHeaders } from "./headers.js"
import { prepareMethod } from "./method.js"
import { refuseForeignFields } from "./foreignFields.js"
import { PLAIN_PATH, preparePath } from "./path.js"
import { appendQueryParams } from "./query.js"

/** A request ready to sign; reusable across attempts, since nothing in it depends on time or credentials. */
export interface PreparedRequest extends CanonicalInput {
  readonly method: HttpMethod
  /** address + ("?" + query): the URL to send. */
  readonly url: string
  /** Where the request is sent, without the query: the endpoint (or `sendTo`) plus the path below the stage. */
  readonly address: string
  /** The signed path, stage included: `pchar`s (RFC 3986), `%XX` escapes and `/`. */
  readonly path: string
  /** The query's encoded pairs in canonical order: the wire query, and the canonical one. */
  readonly queryPairs: ReadonlyArray<EncodedQueryPair>
  /**
   * The headers to send but the signature's: the caller's (names as given),
   * the signer's defaults (a content type for the body, the facade's `Accept`),
   * and the caller's `Host` where it differs from the host the request is sent to.
   */
  readonly headers: Readonly<Record<string, string>>
  readonly body: SignedBody | undefined
}

/** What preparing needs of a signer: where it signs for and sends to, how it canonicalizes paths, which headers it adds. */
export interface PrepareSettings {
  readonly endpoint: Endpoint
  /** Where requests are sent, when not to the endpoint. */
  readonly sendTo?: Endpoint | undefined
  readonly normalizePath: boolean
  readonly doubleEncodePath: boolean
  /**
   * Headers added (and signed) unless the caller sends one of the same name:
   * the facade adds the original package's `Accept: application/json`.
   */
  readonly defaultHeaders?: ReadonlyArray<readonly [name: string, value: string]> | undefined
  /** The content type of every body the caller gives none for (else the body's own: JSON's, a form's). */
  readonly defaultContentType?: string | undefined
  /** How the content-type header is spelled when the signer adds it (the facade: `Content-Type`, as the original). */
  readonly contentTypeName?: string | undefined
  /** The service signed for, for its payload rule (VPC Lattice signs UNSIGNED-PAYLOAD unless the caller gives a hash). */
  readonly service: string
  /** The request is presigned: whoever is given the URL sends it (a browser, another client), not this runtime's fetch. */
  readonly presigning?: boolean | undefined
}

const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//

/**
 * What fetch-style signers (aws4fetch, aws-sigv4-fetch) take, a URL or a web Request, refused by name with the
 * calls that take it; asked only of a request without a string path, so that the usual one pays nothing.
 */
const refuseFetchInput = (input: object): void => {
  const tag = safely(() => Object.prototype.toString.call(input), "")
  if (tag === "[object URL]" || tag === "[object Request]") {
    throw invalidRequest(
      "path",
      `A request to sign is { method, path, queryParams?, headers?, body? } (path under the endpoint); got ${describe(input)}. ` +
        "The facade's signer.fetch(input) and signer.signRequestAsync(request) take a URL or a web Request; " +
        "in the Effect API, Signer.signRequest takes a web Request (new Request(url, init))."
    )
  }
}

/** Checks and settles everything a request's signature covers; throws a SigningError that says what to fix. */
export const prepareRequest = (settings: PrepareSettings, input: RequestToSign): PreparedRequest => {
  const { endpoint } = settings
  if (typeof input !== "object" || input === null) {
    throw invalidRequest("path", `signRequest takes { method, path, queryParams?, headers?, body? }; got ${describe(input)}.`)
  }
  // Read once: a getter answering a second read differently must not get past the checks on the first.
  const givenPath: unknown = input.path
  if (typeof givenPath !== "string") refuseFetchInput(input)
  const method = prepareMethod(input.method)
  if (typeof givenPath !== "string") {
    throw invalidRequest("path", `path must be a string such as "/pets/42"; got ${describe(givenPath)}.`)
  }
  // A whole URL would be joined under the stage (/prod/https://host/prod/pets): a request to nowhere, signed.
  if (givenPath.charCodeAt(0) !== 0x2f && ABSOLUTE_URL.test(givenPath)) {
    throw invalidRequest(
      "path",
      `The path ${JSON.stringify(displayUrl(givenPath, 80))} is a whole URL, and path is the part under the endpoint: ` +
        "pass that part (e.g. \"/pets?type=dog\"), or give the whole URL where one is taken: the facade's signer.fetch(url), " +
        "the Effect API's Signer.signRequest(new Request(url)). " +
        "(A path segment that really holds \"://\" is sent with its colon encoded, %3A.)"
    )
  }
  // A plain path is well-formed, and has no query to split off: "?" is not among its characters.
  const plain = PLAIN_PATH.test(givenPath)
  if (!plain) checkWellFormed("path", () => `The path ${quoteAtLoneSurrogate(givenPath)}`, givenPath)
  const mark = plain ? -1 : givenPath.indexOf("?")
  const given = mark === -1 ? givenPath : givenPath.slice(0, mark)
  // Sent to a sendTo without a base path, the endpoint itself goes out as "/", which the proxy maps to the stage and "/".
  const resolvedPath = preparePath(endpoint, given === "" && settings.sendTo !== undefined && settings.sendTo.basePath === "" ? "/" : given, givenPath, plain)
  // S3 would read a raw "+" as a space, another key than the one written: escaped below the endpoint's own path,
  // which goes out as the endpoint gives it (and is cut off below by its length).
  const path = sendsPlusEscaped(settings.service) && resolvedPath.includes("+", endpoint.basePath.length)
    ? endpoint.basePath + resolvedPath.slice(endpoint.basePath.length).replaceAll("+", "%2B")
    : resolvedPath
  // Read once each, as the path.
  const { queryParams, headers: givenHeaders, body } = input
  refuseForeignFields(input as object, body, queryParams, givenHeaders)
  const pairs = mark === -1 ? [] : parseQueryString(givenPath.slice(mark + 1))
  appendQueryParams(queryParams, pairs)
  const queryPairs = sortQueryPairs(pairs)
  const query = joinQueryPairs(queryPairs)

  const callerHeaders = prepareHeaders(givenHeaders)
  const preparedBody = prepareBody(body, method)
  const payloadHash = preparedBody.payload === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(preparedBody.payload)
  const { headers, signed, callerPayloadHash } = assembleHeaders(callerHeaders, preparedBody, payloadHash, settings)

  // The path below the stage, after sendTo's base path: `/prod/pets` signed, `/v1/pets` sent.
  const address = (settings.sendTo ?? endpoint).href + path.slice(endpoint.basePath.length)
  return {
    method,
    url: address + (query === "" ? "" : "?" + query),
    address,
    path,
    queryPairs,
    canonicalPath: canonicalPath(path, { normalize: settings.normalizePath, doubleEncode: settings.doubleEncodePath }),
    canonicalQuery: query,
    headers,
    // Names lower-case and each given once (prepareHeaders checks both): nothing to merge.
    canonicalHeaders: sortedCanonicalEntries(signed),
    body: preparedBody.body,
    payloadHash: callerPayloadHash ?? defaultPayloadHashFor(settings.service) ?? payloadHash,
    hasContentSha256: callerPayloadHash !== undefined
  }
}
