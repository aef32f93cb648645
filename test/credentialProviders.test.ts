/**
 * Credentials from where AWS keeps them, through the AWS SDK's own providers
 * (`@aws-sdk/credential-providers`), against real sources on loopback: the
 * ECS/Fargate container endpoint, shared credentials and config files with
 * profiles, `credential_process`, and IMDSv2. Each source is used through its
 * own provider and through `fromNodeProviderChain`, which finds it in the
 * environment, with the facade (`credentials: provider`) and with the Effect
 * API (`Credentials.layerFromProvider`, `layerFromNodeProviderChain`); every
 * request is checked by a local gateway that knows each source's keys, and
 * says which key signed.
 */
import { execFile } from "node:child_process"
import { join } from "node:path"
import {
  fromContainerMetadata,
  fromIni,
  fromInstanceMetadata,
  fromNodeProviderChain,
  fromProcess
} from "@aws-sdk/credential-providers"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, {
  type CredentialsProvider,
  Credentials,
  Retry,
  type SignedRequest,
  Signer
} from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import {
  type ContainerEndpoint,
  type InstanceMetadataService,
  isolatedEnv,
  issued,
  type Issued,
  type SharedFiles,
  startContainerEndpoint,
  startInstanceMetadataService,
  writeSharedFiles
} from "./support/credentialSources.js"

const envBefore = { ...process.env }
const REGION = "us-east-1"
const keys = {
  container: issued("ASIACONTAINERTASK"),
  instance: issued("ASIAINSTANCEROLE"),
  default: issued("AKIADEFAULTPROFILE"),
  dev: issued("AKIADEVPROFILE"),
  staging: issued("AKIASTAGINGPROFILE"),
  tool: issued("ASIACREDENTIALPROCESS")
}

let gateway: LocalGateway.Service
let container: ContainerEndpoint
let imds: InstanceMetadataService
beforeAll(async () => {
  gateway = await LocalGateway.start({ credentials: Object.values(keys), region: REGION })
  container = await startContainerEndpoint(keys.container)
  imds = await startInstanceMetadataService(keys.instance)
})
afterAll(() => Promise.all([gateway.close(), container.close(), imds.close()]))

let files: SharedFiles | undefined
let restoreEnv: (() => void) | undefined
afterEach(() => {
  restoreEnv?.()
  restoreEnv = undefined
  files?.remove()
  files = undefined
  container.requests.length = 0
  imds.requests.length = 0
})

// IMDS answers in well under a second on loopback; the SDK's default 1 s timeout is generous, but CPUs here are shared.
const imdsTimeout = { timeout: 10_000 }

interface Source {
  readonly name: string
  /** The environment the source is found through (files written fresh for each test). */
  readonly env: (files: SharedFiles) => Record<string, string>
  /** The source's own provider from the SDK. */
  readonly provider: () => CredentialsProvider
  /** Options of `fromNodeProviderChain` (besides what the environment says). */
  readonly chainOptions: Record<string, unknown>
  readonly expected: Issued
}

const sharedFiles = (files: SharedFiles) => ({
  AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
  AWS_CONFIG_FILE: files.configFile
})
// On a task or an instance there is no ~/.aws: were there a [default] profile, the chain would take it first.
const noSharedFiles = (files: SharedFiles) => ({
  AWS_SHARED_CREDENTIALS_FILE: `${files.directory}/absent/credentials`,
  AWS_CONFIG_FILE: `${files.directory}/absent/config`
})
// Anything that falls through the chain must not try 169.254.169.254: no network beyond loopback.
const noInstanceMetadata = { AWS_EC2_METADATA_DISABLED: "true" }

const sources: ReadonlyArray<Source> = [
  {
    name: "the container credentials endpoint (ECS, Fargate), with its authorization token",
    env: (files) => ({
      ...noSharedFiles(files),
      ...noInstanceMetadata,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken
    }),
    provider: () => fromContainerMetadata(),
    chainOptions: {},
    expected: keys.container
  },
  {
    name: "the shared credentials file, [default] profile",
    env: (files) => ({ ...sharedFiles(files), ...noInstanceMetadata }),
    provider: () => fromIni(),
    chainOptions: {},
    expected: keys.default
  },
  {
    name: "the shared credentials file, a profile chosen by option",
    env: (files) => ({ ...sharedFiles(files), ...noInstanceMetadata }),
    provider: () => fromIni({ profile: "dev" }),
    chainOptions: { profile: "dev" },
    expected: keys.dev
  },
  {
    name: "the config file, a profile chosen by AWS_PROFILE",
    env: (files) => ({ ...sharedFiles(files), ...noInstanceMetadata, AWS_PROFILE: "staging" }),
    provider: () => fromIni(),
    chainOptions: {},
    expected: keys.staging
  },
  {
    name: "credential_process (a node script printing the JSON)",
    env: (files) => ({ ...sharedFiles(files), ...noInstanceMetadata, AWS_PROFILE: "tool" }),
    provider: () => fromProcess(),
    chainOptions: {},
    expected: keys.tool
  },
  {
    name: "IMDSv2 (EC2), after its token handshake",
    env: (files) => ({ ...noSharedFiles(files), AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint }),
    provider: () => fromInstanceMetadata(imdsTimeout),
    chainOptions: imdsTimeout,
    expected: keys.instance
  }
]

/** Sets up the source's environment for this test; `afterEach` puts `process.env` back. */
const useSource = (source: Source) => {
  files = writeSharedFiles(keys)
  restoreEnv = isolatedEnv(source.env(files))
}

type Echo = LocalGateway.EchoResponse

const send = async (request: SignedRequest): Promise<Echo> => {
  const response = await fetch(request.url, request)
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}: ${await response.text()}`), { response })
  return (await response.json()) as Echo
}

/** Through the facade: signRequestAsync, then makeRequestWithRetries, then a synchronous signRequest. */
const signersOf = async (credentials: CredentialsProvider): Promise<ReadonlyArray<string>> => {
  const signer = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: REGION, credentials })
  const posted = await send(await signer.signRequestAsync({ method: "POST", path: "/pets", body: { name: "Rex" } }))
  const listed = await signer.makeRequestWithRetries({ method: "GET", path: "/pets", queryParams: { type: "dog" } }, send, 0)
  // Resolved by now: the synchronous signature works, with the same credentials.
  const fetched = await send(signer.signRequest({ method: "GET", path: "/pets/1" }))
  return [posted, listed, fetched].map((echo) => echo.principal.accessKeyId)
}

/** Through the Effect API: Retry.makeRequestWithRetries, signed by the Signer with the given credentials layer. */
const signerThroughEffect = (credentials: Layer.Layer<Credentials.Credentials, unknown>): Promise<string> =>
  Effect.runPromise(
    Retry.makeRequestWithRetries(
      { method: "PUT", path: "/pets/1", body: { name: "Rex" } },
      (signed) => Effect.tryPromise(() => send(signed)),
      { times: 0 }
    ).pipe(
      Effect.map((echo) => echo.principal.accessKeyId),
      Effect.provide(Layer.merge(Signer.layer({ endpoint: `${gateway.url}/prod`, region: REGION }), credentials))
    )
  )

describe.each(sources)("$name", (source) => {
  it("its SDK provider, given to the facade, signs requests the gateway accepts", async () => {
    useSource(source)
    const expected = source.expected.accessKeyId
    expect(await signersOf(source.provider())).toEqual([expected, expected, expected])
  })

  it("fromNodeProviderChain finds it in the environment, for the facade", async () => {
    useSource(source)
    const expected = source.expected.accessKeyId
    expect(await signersOf(fromNodeProviderChain(source.chainOptions))).toEqual([expected, expected, expected])
  })

  it("its SDK provider, through Credentials.layerFromProvider, signs for the Effect API", async () => {
    useSource(source)
    expect(await signerThroughEffect(Credentials.layerFromProvider(source.provider()))).toBe(source.expected.accessKeyId)
  })

  it("Credentials.layerFromNodeProviderChain finds it in the environment", async () => {
    useSource(source)
    expect(await signerThroughEffect(Credentials.layerFromNodeProviderChain(source.chainOptions))).toBe(source.expected.accessKeyId)
  })
})

describe("what the sources saw", () => {
  it("the container endpoint is asked once per signer, with the authorization token", async () => {
    useSource(sources[0]!)
    await signersOf(fromContainerMetadata())
    expect(container.requests.map((request) => request.headers.authorization)).toEqual([container.authorizationToken])
  })

  it("the container endpoint refuses a request without the token, and so does the provider then", async () => {
    expect((await fetch(container.fullUri)).status).toBe(401)
    useSource(sources[0]!)
    delete process.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    const signer = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: REGION, credentials: fromContainerMetadata() })
    await expect(signer.signRequestAsync({ method: "GET", path: "/" })).rejects.toMatchObject({
      name: "SigningError",
      reason: "MissingCredentials",
      message: expect.stringContaining("The credentials provider failed")
    })
  })

  it("IMDSv2: a session token first (PUT with a TTL), then the role and its credentials, each with the token", async () => {
    useSource(sources[5]!)
    await signersOf(fromInstanceMetadata(imdsTimeout))
    expect(imds.requests.map(({ method, path, withToken }) => [method, path, withToken])).toEqual([
      ["PUT", "/latest/api/token", false],
      ["GET", "/latest/meta-data/iam/security-credentials/", true],
      ["GET", `/latest/meta-data/iam/security-credentials/${imds.roleName}`, true]
    ])
  })

  it("IMDSv2: the emulator refuses metadata requests without a token", async () => {
    const response = await fetch(`${imds.endpoint}/latest/meta-data/iam/security-credentials/`)
    expect(response.status).toBe(401)
  })

  it("credential_process runs again for a new signer, and a rotated output is used", async () => {
    useSource(sources[4]!)
    expect(await signersOf(fromProcess())).toEqual(Array(3).fill(keys.tool.accessKeyId))
    files!.setProcessOutput(keys.dev)
    expect(await signersOf(fromProcess())).toEqual(Array(3).fill(keys.dev.accessKeyId))
  })
})

describe("a provider passed wrong", () => {
  // As the SDK's fromNodeProviderChain: a factory, which makes the provider when called.
  const factory = (_init?: unknown): CredentialsProvider => () => Promise.resolve(keys.default)
  const signWith = (layer: Layer.Layer<Credentials.Credentials>) =>
    Signer.signRequest({ method: "GET", path: "/" }).pipe(
      Effect.flip,
      Effect.provide(Layer.merge(layer, Signer.layer({ endpoint: `${gateway.url}/prod`, region: REGION }))),
      Effect.runPromise
    )
  const UNCALLED = "pass the provider a factory makes (fromNodeProviderChain(), fromIni()), not the factory itself"

  it("the factory, uncalled: the facade says to call it", async () => {
    const signer = new ApiGatewaySigner({ endpoint: `${gateway.url}/prod`, region: REGION, credentials: factory as unknown as CredentialsProvider })
    await expect(signer.signRequestAsync({ method: "GET", path: "/" })).rejects.toMatchObject({
      reason: "MissingCredentials",
      message: expect.stringContaining(UNCALLED)
    })
  })

  it("the factory, uncalled: Credentials.layerFromProvider says to call it", async () => {
    expect(await signWith(Credentials.layerFromProvider(factory as unknown as CredentialsProvider))).toMatchObject({
      _tag: "SigningError",
      reason: "MissingCredentials",
      message: expect.stringContaining(UNCALLED)
    })
  })

  it.each([undefined, "fromNodeProviderChain", { accessKeyId: "AKID" }])("%j, no function: Credentials.layerFromProvider names it, InvalidConfig", async (given) => {
    expect(await signWith(Credentials.layerFromProvider(given as unknown as CredentialsProvider))).toMatchObject({
      _tag: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringMatching(/^Credentials\.layerFromProvider takes a provider function \(fromNodeProviderChain\(\), fromIni\(\), or your own\); got /)
    })
  })

  it("a string, which may be a secret key passed by mistake: not quoted", async () => {
    const error = await signWith(Credentials.layerFromProvider("short-secret" as unknown as CredentialsProvider))
    expect(error).toMatchObject({ reason: "InvalidConfig", message: expect.stringContaining("got a string.") })
    expect(JSON.stringify(error) + (error as Error).message).not.toContain("short-secret")
  })
})

describe("the optional peer @aws-sdk/credential-providers", () => {
  const buildChainLayer = () =>
    Effect.runPromise(Effect.flip(Layer.build(Credentials.layerFromNodeProviderChain()).pipe(Effect.scoped)))
  afterEach(() => {
    vi.doUnmock("@aws-sdk/credential-providers")
  })

  it("older than fromNodeProviderChain (3.87.0): a SigningError saying so, not that it is missing", async () => {
    vi.doMock("@aws-sdk/credential-providers", () => ({ fromIni: () => async () => keys.dev, fromNodeProviderChain: undefined }))
    const error = await buildChainLayer()
    expect(error).toMatchObject({ name: "SigningError", reason: "MissingCredentials" })
    expect(error.message).toContain("has no fromNodeProviderChain (added in 3.87.0)")
    expect(error.message).toContain("npm install @aws-sdk/credential-providers@latest")
  })
})

// Loading fails in a child process whose module hooks make the package missing (Node's own
// ERR_MODULE_NOT_FOUND) or throw as it is evaluated: vi.doMock would wrap what a factory throws.
describe("the optional peer @aws-sdk/credential-providers, when it cannot be loaded", () => {
  const fixture = join(import.meta.dirname, "fixtures", "credentialProvidersLoading")
  const buildChainLayerIn = (mode: "missing" | "throwing") =>
    new Promise<{ readonly name: string; readonly reason: string; readonly message: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--import", "tsx", "--import", join(fixture, "register.mjs"), join(fixture, "buildChainLayer.ts")],
        { env: { ...process.env, CHAIN_MODE: mode }, timeout: 30_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)))
      )
    )

  it("missing: layerFromNodeProviderChain fails with a SigningError giving the install command", async () => {
    expect(await buildChainLayerIn("missing")).toEqual({
      name: "SigningError",
      reason: "MissingCredentials",
      message: expect.stringContaining("are not installed: run npm install @aws-sdk/credential-providers")
    })
  })

  // Next.js's standalone output traces files from imports by name; the chain is loaded by a name in a variable.
  it("missing: the SigningError says what to do where a deployment left it out, though installed (a traced or bundled output)", async () => {
    const { message } = await buildChainLayerIn("missing")
    expect(message).toContain("this deployment left it out")
    expect(message).toContain("Credentials.layerFromProvider(fromNodeProviderChain())")
  })

  it("installed but failing as it loads: a SigningError saying so, with why, not that it is missing", async () => {
    const error = await buildChainLayerIn("throwing")
    expect(error).toMatchObject({ name: "SigningError", reason: "MissingCredentials" })
    expect(error.message).toContain("is installed but could not be loaded (Unexpected token 'export')")
    expect(error.message).toContain("npm install @aws-sdk/credential-providers")
    expect(error.message).not.toContain("not installed")
  })
})

describe("layerFromNodeProviderChain's options", () => {
  const buildWith = (options: unknown) =>
    Effect.runPromise(
      Effect.flip(Layer.build(Credentials.layerFromNodeProviderChain(options as Credentials.NodeProviderChainOptions)).pipe(Effect.scoped))
    )

  it.each([
    ["null", null],
    ["a string", "dev"],
    ["an array", ["dev"]]
  ])("%s: a SigningError (InvalidConfig) naming what it takes", async (_, options) => {
    expect(await buildWith(options)).toMatchObject({
      name: "SigningError",
      reason: "InvalidConfig",
      message: expect.stringContaining("takes options such as { profile: \"dev\" }")
    })
  })

  it("options whose getter throws: a SigningError (InvalidConfig), not a defect", async () => {
    const hostile = Object.defineProperty({}, "profile", {
      enumerable: true,
      get: () => {
        throw new TypeError("no profile for you")
      }
    })
    expect(await buildWith(hostile)).toMatchObject({ name: "SigningError", reason: "InvalidConfig" })
  })
})

describe("process.env", () => {
  it("is as it was before these tests", () => {
    expect({ ...process.env }).toEqual(envBefore)
  })
})
