/**
 * The requests every runtime signs with the Promise facade and sends with its
 * own fetch, and what the local gateway must see arrive for each. Shared by the
 * programs that run inside the runtimes (bundled with them) and the driver
 * that checks the gateway's echoes.
 */
import type { RequestToSign } from "api-gateway-request-signer/SignedRequest"

/** Known to the local gateway only. Secrets with `/`, `+` and `=`, as real ones have. */
export const IDENTITIES = {
  session: {
    accessKeyId: "ASIARUNTIMESESSION01",
    secretAccessKey: "runtime/session+secret=key/0000000000000",
    sessionToken: "runtime-session-token/with+odd=chars//0"
  },
  plain: {
    accessKeyId: "AKIARUNTIMEPLAIN0001",
    secretAccessKey: "runtime/plain+secret=key/00000000000000"
  }
} as const

export type Identity = keyof typeof IDENTITIES

/** Not the default region, so that a signer that ignores the option is caught. */
export const REGION = "eu-central-1"
/** The endpoint's stage path, which every request path goes under. */
export const STAGE = "/prod"

/** What the gateway must see. */
export interface Arrival {
  readonly method: string
  /** The path after the stage, segment by segment, percent-decoded: whatever escapes carried it. */
  readonly segments: ReadonlyArray<string>
  /** Decoded query; each key's values in any order (the signer sorts them). Presigning's X-Amz-* aside. */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** The body's bytes (a string means its UTF-8). */
  readonly body: string | Uint8Array
  /** The content-type header must start with this. */
  readonly contentType?: string
}

export interface Case {
  readonly name: string
  readonly identity: Identity
  /** `headers`: signRequest; `query`: presignRequest. */
  readonly signature: "headers" | "query"
  readonly request: RequestToSign
  readonly arrives: Arrival
}

const RESERVED_PATH = "/a b/c%2Fd/@x/:y/!$&'()*+,;=/50%25"
const RESERVED_SEGMENTS = ["a b", "c/d", "@x", ":y", "!$&'()*+,;=", "50%"]
const UNICODE_PATH = "/café/日本/🙂"
const UNICODE_SEGMENTS = ["café", "日本", "🙂"]
/** `//` keeps its empty segment; spaces inside and at the end of segments survive. */
const AWKWARD_PATH = "/x//y/ two  spaces /end "
const AWKWARD_SEGMENTS = ["x", "", "y", " two  spaces ", "end "]

const JSON_BODY = { name: "Rex", tags: ["good", "boy"], note: "café 🙂 \"quoted\" \\ back", nested: { n: 1.5, none: null } }
const TEXT_BODY = "hello, wörld\r\nline two\t🙂\n"
/** Every byte value, so that no text decoding can pass unnoticed. */
const BYTES_BODY = Uint8Array.from({ length: 256 }, (_, i) => i)

export const CASES: ReadonlyArray<Case> = [
  {
    name: "GET, reserved characters in the path",
    identity: "session",
    signature: "headers",
    request: { method: "GET", path: RESERVED_PATH },
    arrives: { method: "GET", segments: RESERVED_SEGMENTS, query: {}, body: "" }
  },
  {
    name: "GET, non-ASCII path",
    identity: "session",
    signature: "headers",
    request: { method: "GET", path: UNICODE_PATH },
    arrives: { method: "GET", segments: UNICODE_SEGMENTS, query: {}, body: "" }
  },
  {
    name: "GET, // and trailing spaces in the path",
    identity: "session",
    signature: "headers",
    request: { method: "GET", path: AWKWARD_PATH },
    arrives: { method: "GET", segments: AWKWARD_SEGMENTS, query: {}, body: "" }
  },
  {
    name: "GET, repeated keys, empty values, reserved and non-ASCII query",
    identity: "session",
    signature: "headers",
    request: {
      method: "GET",
      path: "/search",
      queryParams: { tag: ["b", "a", "b"], empty: "", q: "a+b c&d=e?#%", "k é": "日本", skipped: undefined }
    },
    arrives: {
      method: "GET",
      segments: ["search"],
      query: { tag: ["a", "b", "b"], empty: [""], q: ["a+b c&d=e?#%"], "k é": ["日本"] },
      body: ""
    }
  },
  {
    name: "GET, query in the path merged with queryParams",
    identity: "plain",
    signature: "headers",
    request: { method: "GET", path: "/items?x=2&x=1&flag", queryParams: { x: "3" } },
    arrives: { method: "GET", segments: ["items"], query: { x: ["1", "2", "3"], flag: [""] }, body: "" }
  },
  {
    name: "POST, JSON object body",
    identity: "session",
    signature: "headers",
    request: { method: "POST", path: "/pets", body: JSON_BODY },
    arrives: { method: "POST", segments: ["pets"], query: {}, body: JSON.stringify(JSON_BODY), contentType: "application/json" }
  },
  {
    name: "PUT, text body, non-ASCII path and query",
    identity: "session",
    signature: "headers",
    request: {
      method: "PUT",
      path: "/notes/café note",
      queryParams: { lang: "de", v: ["2", "1"] },
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: TEXT_BODY
    },
    arrives: { method: "PUT", segments: ["notes", "café note"], query: { lang: ["de"], v: ["1", "2"] }, body: TEXT_BODY, contentType: "text/plain" }
  },
  {
    name: "PATCH, byte body (every byte value)",
    identity: "session",
    signature: "headers",
    request: { method: "PATCH", path: "/blobs/0", headers: { "content-type": "application/octet-stream" }, body: BYTES_BODY },
    arrives: { method: "PATCH", segments: ["blobs", "0"], query: {}, body: BYTES_BODY, contentType: "application/octet-stream" }
  },
  {
    name: "POST, JSON body, no session token",
    identity: "plain",
    signature: "headers",
    request: { method: "POST", path: "/pets/日本", queryParams: { dry: "true" }, body: JSON_BODY },
    arrives: { method: "POST", segments: ["pets", "日本"], query: { dry: ["true"] }, body: JSON.stringify(JSON_BODY), contentType: "application/json" }
  },
  {
    name: "PUT, byte body, no session token",
    identity: "plain",
    signature: "headers",
    request: { method: "PUT", path: RESERVED_PATH, headers: { "content-type": "application/octet-stream" }, body: BYTES_BODY },
    arrives: { method: "PUT", segments: RESERVED_SEGMENTS, query: {}, body: BYTES_BODY, contentType: "application/octet-stream" }
  },
  {
    // workerd's fetch sends no empty value of the headers it knows (accept, content-type, ...): it must not be signed
    // there. (Headers a stage's CORS allows by default, for Chromium's preflight.)
    name: "POST, empty header values (accept, content-type)",
    identity: "session",
    signature: "headers",
    request: { method: "POST", path: "/pets", headers: { accept: "", "content-type": "" }, body: "name=Rex" },
    arrives: { method: "POST", segments: ["pets"], query: {}, body: "name=Rex" }
  },
  {
    name: "DELETE, no body",
    identity: "plain",
    signature: "headers",
    request: { method: "DELETE", path: "/pets/42", queryParams: { reason: "" } },
    arrives: { method: "DELETE", segments: ["pets", "42"], query: { reason: [""] }, body: "" }
  },
  {
    name: "presigned GET, session token in the query",
    identity: "session",
    signature: "query",
    request: { method: "GET", path: "/reports/2024 Q1/café.pdf", queryParams: { v: ["2", "1"], empty: "" } },
    arrives: { method: "GET", segments: ["reports", "2024 Q1", "café.pdf"], query: { v: ["1", "2"], empty: [""] }, body: "" }
  },
  {
    name: "presigned GET, no session token",
    identity: "plain",
    signature: "query",
    request: { method: "GET", path: AWKWARD_PATH },
    arrives: { method: "GET", segments: AWKWARD_SEGMENTS, query: {}, body: "" }
  }
]

/** How long presigned URLs live: long enough for any runtime here. */
export const PRESIGN_EXPIRES_IN = 300
