/**
 * A runtime that refuses to read the environment (Deno without --allow-env
 * throws on the read) gets the Effect API's typed errors, as the facade does:
 * the refused read counts as "not set", and the message names the permission
 * to grant. Here the refusal is Node's process.env swapped for one that
 * throws as Deno does, for the length of one synchronous run.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import ApiGatewaySigner, { Credentials, Signer, type SigningError } from "api-gateway-request-signer"
import { failureOf, thrownBy } from "./support/outcomes.js"

// An endpoint on a custom domain: its host names no region.
const ENDPOINT = "https://api.example.com/prod"
const keys = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }

const notCapable = () => Object.assign(new Error(`Requires env access, run again with the --allow-env flag`), { name: "NotCapable" })
const refusing = new Proxy({}, {
  has: () => { throw notCapable() },
  get: () => { throw notCapable() },
  ownKeys: () => { throw notCapable() },
  getOwnPropertyDescriptor: () => { throw notCapable() }
})

/** Runs `run` synchronously with an environment that refuses every read. */
const withRefusedEnvironment = <A>(run: () => A): A => {
  const env = Object.getOwnPropertyDescriptor(process, "env")!
  Object.defineProperty(process, "env", { ...env, value: refusing })
  try {
    return run()
  } finally {
    Object.defineProperty(process, "env", env)
  }
}

/** Runs `run` with an environment that answers the variables `granted` holds and refuses the others, as Deno's --allow-env=NAME,... does. */
const withGrantedOnly = <A>(granted: Record<string, string>, run: () => A): A => {
  const env = Object.getOwnPropertyDescriptor(process, "env")!
  const grantedOnly = new Proxy(granted, {
    get: (target, name) => {
      if (typeof name === "string" && Object.hasOwn(target, name)) return target[name]
      throw notCapable()
    }
  })
  Object.defineProperty(process, "env", { ...env, value: grantedOnly })
  try {
    return run()
  } finally {
    Object.defineProperty(process, "env", env)
  }
}

const signOnce = (layer: Layer.Layer<Signer.Signer | Credentials.Credentials, unknown>) =>
  withRefusedEnvironment(() => Effect.runSyncExit(Signer.signRequest({ method: "GET", path: "/" }).pipe(Effect.provide(layer)))) as Exit.Exit<unknown, SigningError>

describe("an environment the runtime refuses to read", () => {
  it("the facade: the region is not set, a typed MissingRegion naming the permission to grant", () => {
    expect(() => withRefusedEnvironment(() => new ApiGatewaySigner({ endpoint: ENDPOINT, accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey })))
      .toThrow(expect.objectContaining({ _tag: "SigningError", reason: "MissingRegion", message: expect.stringContaining("--allow-env=AWS_REGION") }))
  })

  it("the facade without credentials: a typed MissingCredentials naming the permission to grant, not \"set\" the variables", () => {
    expect(() => withRefusedEnvironment(() => new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1" })))
      .toThrow(expect.objectContaining({
        _tag: "SigningError",
        reason: "MissingCredentials",
        message: expect.stringContaining("the runtime refused to read AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN from the environment: " +
          "in Deno, grant --allow-env=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN")
      }))
  })

  it("the facade without credentials, granted AWS_REGION alone (--allow-env=AWS_REGION): the same, for the keys it may not read", () => {
    const thrown = thrownBy(() => withGrantedOnly({ AWS_REGION: "us-east-1" }, () => new ApiGatewaySigner({ endpoint: ENDPOINT })))
    expect(thrown).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("--allow-env=AWS_ACCESS_KEY_ID") })
  })

  it("the facade without credentials, granted the two keys but not AWS_SESSION_TOKEN: refused, not signed without a token", () => {
    const granted = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "ASIAEXAMPLE", AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }
    const thrown = thrownBy(() => withGrantedOnly(granted, () => new ApiGatewaySigner({ endpoint: ENDPOINT })))
    expect(thrown).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("refused to read AWS_SESSION_TOKEN") })
  })

  it("Signer.layer: the region is not set, a typed MissingRegion naming the permission to grant, not a defect", () => {
    const error = failureOf(signOnce(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT }), Credentials.layer(keys))))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingRegion" })
    expect(error.message).toContain("--allow-env=AWS_REGION")
  })

  it("Credentials.layerFromEnv: a typed MissingCredentials naming the permission to grant", () => {
    const error = failureOf(signOnce(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT, region: "us-east-1" }), Credentials.layerFromEnv)))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect(error.message).toContain("--allow-env=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN")
  })

  it("Signer.layerConfig: a typed InvalidConfig naming the permission to grant", () => {
    const error = failureOf(signOnce(Layer.mergeAll(Signer.layerConfig({ endpoint: Config.string("API_ENDPOINT") }), Credentials.layer(keys))))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig" })
    expect(error.message).toContain("--allow-env")
  })

  it("Credentials.layerFromEnv: a config read that throws something else is typed too, and keeps nothing of it", () => {
    const thrown = new Error("the vault said: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    const env = Object.getOwnPropertyDescriptor(process, "env")!
    Object.defineProperty(process, "env", { ...env, value: new Proxy({}, { has: () => { throw thrown }, get: () => { throw thrown } }) })
    let exit: Exit.Exit<unknown, SigningError>
    try {
      exit = Effect.runSyncExit(Signer.signRequest({ method: "GET", path: "/" }).pipe(
        Effect.provide(Layer.mergeAll(Signer.layer({ endpoint: ENDPOINT, region: "us-east-1" }), Credentials.layerFromEnv))
      )) as Exit.Exit<unknown, SigningError>
    } finally {
      Object.defineProperty(process, "env", env)
    }
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect(JSON.stringify(error) + error.message).not.toContain("wJalrXUtnFEMI")
  })
})

describe("a runtime without environment variables (a browser, a Worker)", () => {
  it("the facade without credentials: a typed MissingCredentials naming a credentials provider and the keys", () => {
    const env = Object.getOwnPropertyDescriptor(process, "env")!
    Object.defineProperty(process, "env", { ...env, value: undefined })
    let thrown: unknown
    try {
      new ApiGatewaySigner({ endpoint: ENDPOINT, region: "us-east-1" })
    } catch (error) {
      thrown = error
    } finally {
      Object.defineProperty(process, "env", env)
    }
    expect(thrown).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect((thrown as SigningError).message).toContain("pass credentials, a provider such as fromCognitoIdentityPool")
    expect((thrown as SigningError).message).toContain("or accessKey, secretKey and sessionToken")
  })
})
