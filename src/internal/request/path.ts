/**
 * The wire path: the stage path joined with the caller's path, each segment
 * in its wire spelling (`wirePathSegment`: the characters a segment may hold
 * as given, raw or escaped; everything else percent-encoded), so the server
 * reads the path the caller meant and the signature covers what is sent.
 * Dot segments are resolved here, as HTTP clients would resolve them anyway,
 * so the URL returned is the URL sent.
 *
 * @internal
 */
import { invalidRequest } from "../signingErrors.js"
import type { Endpoint } from "../../Signer.js"
import { quote } from "./describe.js"
import { wirePathSegment } from "./pathSegment.js"

// A path of pchars (no `%`, no `'`: it goes out as `%27`) and slashes, without dot segments, is already in its wire form.
export const PLAIN_PATH = /^[A-Za-z0-9\-._~!$&()*+,;=:@/]*$/
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/

/**
 * Whether a path has a `.` or `..` segment. Most paths hold no dot at all, and
 * `includes` says so at a third of the regex's cost: it runs on every signature.
 */
const hasDotSegment = (path: string): boolean => path.includes(".") && DOT_SEGMENT.test(path)

/**
 * `path` is the caller's path without its query; `original` is what they wrote, for messages.
 * `plain`: whether the caller already found `path` to match PLAIN_PATH (prepareRequest tests the whole
 * path given, for its own check), so that the test is not run twice per signature; else it is tested here.
 */
export const preparePath = (endpoint: Endpoint, path: string, original: string, plain: boolean): string => {
  // "" is the endpoint itself, as 2.x appended it (`.../prod/graphql`, a WebSocket API's `wss://.../production`); "/" adds the slash.
  if (path === "") return endpoint.basePath === "" ? "/" : endpoint.basePath
  if (path === "/") return endpoint.basePath + "/"
  if ((plain || PLAIN_PATH.test(path)) && !hasDotSegment(path)) return endpoint.basePath + (path.startsWith("/") ? path : "/" + path)
  const segments = (path.startsWith("/") ? path.slice(1) : path).split("/")
  const resolved: Array<string> = []
  // Where segment i begins in `path` (and so in `original`, which begins with it): for the message of a climb.
  let offset = path.startsWith("/") ? 1 : 0
  for (let i = 0; i < segments.length; i++) {
    const segment = wirePathSegment(segments[i]!)
    const last = i === segments.length - 1
    if (segment === ".") {
      if (last) resolved.push("")
    } else if (segment === "..") {
      if (resolved.length === 0) throw climbsAboveStage(endpoint, original, offset)
      resolved.pop()
      if (last) resolved.push("")
    } else {
      resolved.push(segment)
    }
    offset += segments[i]!.length + 1
  }
  return endpoint.basePath + "/" + resolved.join("/")
}

const climbsAboveStage = (endpoint: Endpoint, original: string, at: number) =>
  invalidRequest(
    "path",
    `The path ${quote(original, at)} climbs above the endpoint's stage path (${endpoint.basePath || "/"}) with "..". ` +
      "HTTP clients resolve \"..\" before sending, so the request would leave the stage: remove that segment " +
      "(a \"..\" inside a value must be sent encoded, e.g. encodeURIComponent(\"../x\"))."
  )
