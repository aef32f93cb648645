/**
 * Signer.layerConfig and Credentials.layerConfig take their options as
 * `Config`s. What they are given is checked before Effect reads it: options
 * that are no object, a field that is no Config, a getter that throws, all
 * fail the layer's build with a typed SigningError naming the field, never
 * a throw at the call (layers sit at module top level, so that throw would
 * fail the import) nor a defect. A value Config cannot parse is named by its
 * key, never quoted: it may be a secret in the wrong variable.
 */
import { inspect } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, Signer, type SigningError } from "api-gateway-request-signer"
import { failureOf } from "./support/outcomes.js"

const ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
const TOKEN = "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQ" + "A1b2C3d4E5f6G7h8I9j0K".repeat(12)
const withConfig = (entries: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

/** The error a layer's build fails with (a test failure if it builds, dies or throws at the call). */
const buildFailure = <A>(layer: () => Layer.Layer<A, SigningError>, config: Record<string, string> = {}) =>
  Effect.runPromise(Effect.exit(Layer.build(layer()).pipe(Effect.scoped, Effect.provide(withConfig(config))))).then(failureOf)

const throwingGetter = (name: string) =>
  Object.defineProperty({}, name, {
    enumerable: true,
    get: () => {
      throw new Error(`getter ${name}: ${SECRET}`)
    }
  })

describe("Signer.layerConfig", () => {
  it.effect("takes a field left undefined as absent", () =>
    Effect.map(Signer.Signer, (signer) => expect(signer.region).toBe("us-east-1")).pipe(
      // As a consumer without exactOptionalPropertyTypes writes it (TypeScript's strict leaves that off).
      Effect.provide(Signer.layerConfig({ endpoint: Config.string("API_ENDPOINT"), region: undefined } as unknown as Config.Config.Wrap<Signer.SignerOptions>)),
      Effect.provide(withConfig({ API_ENDPOINT: ENDPOINT }))
    ))

  it.effect("takes one Config of the whole options", () =>
    Effect.map(Signer.Signer, (signer) => expect(signer.endpoint.href).toBe(ENDPOINT)).pipe(
      Effect.provide(Signer.layerConfig(Config.all({ endpoint: Config.string("API_ENDPOINT") }))),
      Effect.provide(withConfig({ API_ENDPOINT: ENDPOINT }))
    ))

  it.each([
    ["undefined", undefined, /takes an object of Configs/],
    ["a number", 5, /takes an object of Configs/],
    ["a plain string where a Config goes", { endpoint: ENDPOINT }, /endpoint must be a Config/],
    ["a plain string beside a Config", { endpoint: Config.succeed(ENDPOINT), region: "eu-west-1" }, /region must be a Config/],
    ["no endpoint", { region: Config.succeed("eu-west-1") }, /endpoint is required/],
    ["a getter that throws", throwingGetter("endpoint"), /endpoint could not be read/]
  ])("options that are %s: the build fails with InvalidConfig, the call does not throw", async (_, options, message) => {
    const error = await buildFailure(() => Signer.layerConfig(options as Config.Config.Wrap<Signer.SignerOptions>))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET)
  })

  it("a value Config cannot parse is named by its key, not quoted", async () => {
    const error = await buildFailure(
      () => Signer.layerConfig({ endpoint: Config.string("API_ENDPOINT"), signSessionToken: Config.boolean("SIGN_TOKEN") }),
      { API_ENDPOINT: ENDPOINT, SIGN_TOKEN: SECRET }
    )
    expect(error).toMatchObject({ reason: "InvalidConfig", message: "The signer configuration could not be read: SIGN_TOKEN has an invalid value." })
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET)
  })
})

describe("Credentials.layerConfig", () => {
  const signedHeaders = (layer: Layer.Layer<Credentials.Credentials, SigningError>, config: Record<string, string>) =>
    Effect.runPromise(
      Signer.signRequest({ method: "GET", path: "/pets" }).pipe(
        Effect.provide(Layer.merge(Signer.layer({ endpoint: ENDPOINT }), layer)),
        Effect.provide(withConfig(config))
      )
    ).then((signed) => signed.headers)

  it.each([
    ["Config.option(Config.redacted(...)), as envConfig has it", Config.option(Config.redacted("AWS_SESSION_TOKEN"))],
    ["Config.redacted(...), written as secretAccessKey is", Config.redacted("AWS_SESSION_TOKEN")],
    ["Config.string(...)", Config.string("AWS_SESSION_TOKEN")]
  ])("a sessionToken of %s is signed and sent", async (_, sessionToken) => {
    const headers = await signedHeaders(
      Credentials.layerConfig({
        accessKeyId: Config.string("AWS_ACCESS_KEY_ID"),
        secretAccessKey: Config.redacted("AWS_SECRET_ACCESS_KEY"),
        sessionToken: sessionToken as Config.Config<never>
      }),
      { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN }
    )
    expect(headers["X-Amz-Security-Token"] ?? headers["x-amz-security-token"]).toBe(TOKEN)
    expect(headers.Authorization ?? headers.authorization).toContain("x-amz-security-token")
  })

  it.each([
    ["null", null, /takes an object of Configs/],
    ["a plain string where a Config goes", { accessKeyId: "AKIDEXAMPLE", secretAccessKey: Config.redacted("S") }, /accessKeyId must be a Config/],
    ["no secretAccessKey", { accessKeyId: Config.string("K") }, /secretAccessKey is required/],
    ["a getter that throws", throwingGetter("accessKeyId"), /accessKeyId could not be read/]
  ])("options that are %s: the build fails with InvalidConfig, the call does not throw", async (_, config, message) => {
    const error = await buildFailure(() => Credentials.layerConfig(config as unknown as Credentials.CredentialsConfig))
    expect(error).toMatchObject({ _tag: "SigningError", reason: "InvalidConfig", message: expect.stringMatching(message) })
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET)
  })

  it("a value Config cannot parse is named by its key, not quoted", async () => {
    const error = await buildFailure(
      () => Credentials.layerConfig({ accessKeyId: Config.string("KEY_ID"), secretAccessKey: Config.redacted("SECRET"), sessionToken: Config.option(Config.integer("TOKEN")) as never }),
      { KEY_ID: "AKIDEXAMPLE", SECRET: "s", TOKEN: SECRET }
    )
    expect(error).toMatchObject({ reason: "MissingCredentials", message: expect.stringContaining("TOKEN has an invalid value") })
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET)
  })
})
