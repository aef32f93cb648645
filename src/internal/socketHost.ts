/**
 * A host as node:http and node:net take it (to listen on, to connect to): an
 * IPv6 literal without the brackets a URL writes around it ("[::1]"), which
 * they would otherwise look up as a name. Shared by the local gateway (its
 * host, its proxy target) and the CLI's transport.
 *
 * @internal
 */
export const socketHost = (host: string): string => (host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host)
