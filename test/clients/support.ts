/**
 * What the client tests share: a local gateway that verifies every signature
 * and echoes what arrived (method, path, query, headers, body length and
 * SHA-256), a facade signer for its stage, and the requests every client
 * must get through intact.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import ApiGatewaySigner, { type ApiGatewaySignerConfig } from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"

export const credentials = { accessKeyId: "AKIDCLIENTS", secretAccessKey: "clients/secret/key", sessionToken: "clients-session-token" }

export type Echo = LocalGateway.EchoResponse & { readonly message?: string }

export const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex")

/** An echoed path, each segment decoded. */
export const decodedPath = (path: string): string => path.split("/").map(decodeURIComponent).join("/")

/** The names the signature covers, from an echoed Authorization header. */
export const signedHeaderNames = (echo: Echo): ReadonlyArray<string> =>
  /SignedHeaders=([^,]+)/.exec(echo.headers["authorization"] ?? "")?.[1]?.split(";") ?? []

export interface Stage {
  readonly gateway: LocalGateway.Service
  /** The gateway's base URL and stage: the signer's endpoint. */
  readonly stage: string
  readonly signer: ApiGatewaySigner
  /** Every request the gateway answered, refusals included. */
  readonly log: Array<LocalGateway.AccessLogEntry>
}

/** A gateway (options as LocalGateway takes them) and a facade signer for its stage `/stage`. */
export const startStage = async (
  options: Partial<LocalGateway.Options> = {},
  signerConfig: Partial<ApiGatewaySignerConfig> = {}
): Promise<Stage> => {
  const log: Array<LocalGateway.AccessLogEntry> = []
  const gateway = await LocalGateway.start({ credentials: [credentials], onRequest: (entry) => log.push(entry), ...options })
  const stage = `${gateway.url}/stage`
  const signer = new ApiGatewaySigner({ endpoint: stage, region: "us-east-1", credentials, ...signerConfig })
  return { gateway, stage, signer, log }
}

/** A path with reserved and non-ASCII characters: as written (encoded where a client would not), and as it must arrive. */
export const AWKWARD_PATH = {
  written: `/pets/${encodeURIComponent("a/b c")}/café/@:=+!$'()*,;~`,
  arrives: "/stage/pets/a/b c/café/@:=+!$'()*,;~"
} as const

const bytes = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) % 256)

/** The bodies every client sends: what the client is given, and the bytes that must arrive. */
export const BODIES = [
  { name: "JSON", json: { name: "Rex", tags: ["a", "b"], note: "ü ∑ 😀" }, arrives: JSON.stringify({ name: "Rex", tags: ["a", "b"], note: "ü ∑ 😀" }) },
  { name: "text", text: "line one\nline two ✓ ünïcode", arrives: "line one\nline two ✓ ünïcode" },
  { name: "bytes", bytes, arrives: bytes }
] as const

export type BodyCase = (typeof BODIES)[number]

/** The version of a devDependency as installed in node_modules. */
export const installedVersion = (name: string): string =>
  (JSON.parse(readFileSync(resolve(import.meta.dirname, "..", "..", "node_modules", name, "package.json"), "utf8")) as { version: string }).version

/** The version in a pinned spec such as `axios@1.6.0`. */
export const versionOf = (spec: string): string => spec.slice(spec.lastIndexOf("@") + 1)
