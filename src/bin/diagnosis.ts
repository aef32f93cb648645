/**
 * Diagnosis printing: why a 403 happened, for stderr. A signature mismatch
 * gets the library's diagnosis: the server's canonical request against ours.
 *
 * @internal
 */
import * as Diagnosis from "../Diagnosis.js"
import type * as Signer from "../Signer.js"

/** What a refused request was signed with. */
export interface Signed {
  /** The canonical request and string to sign, when known. */
  readonly details: Signer.SignedRequestWithDetails | undefined
}

/** Why a 403 happened, or `undefined` when the body says nothing this knows. */
export const explainRefusal = (body: Uint8Array, signed: Signed): string | undefined =>
  signed.details === undefined ? undefined : Diagnosis.diagnose(body, signed.details)
