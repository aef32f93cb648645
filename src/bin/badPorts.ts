/**
 * The ports `fetch` refuses to connect to: the "bad ports" of the Fetch
 * standard (https://fetch.spec.whatwg.org/#port-blocking), ports of other
 * protocols (SMTP, IRC, X11, SIP, ...) that a browser must not be tricked into
 * talking HTTP to. Node's fetch (undici) and every browser refuse them with
 * "bad port"; curl and `node:http` do not. The CLI sends requests to them
 * through `node:http`, and `serve` warns when it listens on one. The list is
 * the Fetch standard's (as in undici's lib/web/fetch/constants.js).
 *
 * @internal
 */
const BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111,
  113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548,
  554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566,
  6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080
])

/** Whether fetch (Node's and the browsers') refuses to connect to `port`. */
export const isBadPort = (port: number): boolean => BAD_PORTS.has(port)

/** The port of an http(s) URL when fetch refuses it, else `undefined` (a URL without a port uses 80 or 443: both fine). */
export const badPortOf = (url: string | URL): number | undefined => {
  const port = new URL(url).port
  return port !== "" && isBadPort(Number(port)) ? Number(port) : undefined
}
