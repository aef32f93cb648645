/**
 * Where SigV4 differs by service, in one place: S3 signs the path encoded
 * once (no dot segments removed, no second encoding), wants
 * `x-amz-content-sha256`, and signs `UNSIGNED-PAYLOAD` into presigned URLs;
 * VPC Lattice supports no payload signing, and wants `x-amz-content-sha256:
 * UNSIGNED-PAYLOAD` on every request; every other service, API Gateway
 * included, normalizes and double-encodes the path, needs no payload hash
 * header, and signs the body's hash into presigned URLs too. API Gateway
 * signs the body's hash whatever `x-amz-content-sha256` says.
 *
 * @internal
 */
import type { CanonicalPathOptions } from "./canonicalPath.js"
import { UNSIGNED_PAYLOAD } from "./payloadHash.js"

const S3_PATHS: CanonicalPathOptions = { normalize: false, doubleEncode: false }
const OTHER_PATHS: CanonicalPathOptions = { normalize: true, doubleEncode: true }

/** S3 and the services that sign as it does (Object Lambda access points, Outposts, S3 Express directory buckets). */
const S3_FAMILY: ReadonlySet<string> = new Set(["s3", "s3-object-lambda", "s3-outposts", "s3express"])
const isS3 = (service: string): boolean => S3_FAMILY.has(service)

/**
 * Whether a path given to a signer for `service` sends its raw `+` escaped (`%2B`): S3 reads a raw `+` in a path
 * as a space (a key with a plus is sent `%2B`, as the AWS SDK sends it), and a signer takes the path as the key.
 */
export const sendsPlusEscaped = (service: string): boolean => isS3(service)

/** How `service` canonicalizes a request's path. */
export const canonicalPathOptionsFor = (service: string): CanonicalPathOptions => (isS3(service) ? S3_PATHS : OTHER_PATHS)

/** VPC Lattice's service name: it supports no payload signing (its docs: "You must send an x-amz-content-sha256 header with the value set to UNSIGNED-PAYLOAD"). */
const VPC_LATTICE = "vpc-lattice-svcs"

/** Whether a signature for `service` adds and signs `x-amz-content-sha256` unless told otherwise (S3, Lattice, OpenSearch Serverless). */
export const addsContentSha256 = (service: string): boolean => isS3(service) || service === VPC_LATTICE || service === "aoss"

/**
 * Whether a presigned URL for `service` signs its session token. AWS IoT's device gateway wants it appended after
 * signing (its WebSocket URLs), as aws4fetch does; API Gateway, Lambda URLs and AppSync sign every query parameter.
 */
export const presignSignsSessionToken = (service: string): boolean => service !== "iotdevicegateway"

/** The payload hash a request for `service` signs unless the caller gives one, when not the body's: Lattice's UNSIGNED-PAYLOAD. */
export const defaultPayloadHashFor = (service: string): string | undefined => (service === VPC_LATTICE ? UNSIGNED_PAYLOAD : undefined)

/** The payload hash a presigned URL for `service` signs, when not the body's: S3's and Lattice's UNSIGNED-PAYLOAD. */
export const presignedPayloadHash = (service: string): string | undefined =>
  isS3(service) || service === VPC_LATTICE ? UNSIGNED_PAYLOAD : undefined

/**
 * Whether `service` signs the payload hash `x-amz-content-sha256` claims, so
 * that `UNSIGNED-PAYLOAD` leaves the body unsigned, as S3 and VPC Lattice do
 * (Lattice requires it). API Gateway does not: it hashes the body it
 * received, whatever the header says, so a signature over UNSIGNED-PAYLOAD
 * never verifies there, and a verifier that took the claim would let any
 * body through.
 */
export const signsClaimedPayloadHash = (service: string): boolean => service !== "execute-api"
