/**
 * Paths as users write them, through the facade: dot segments in any spelling
 * are resolved as every HTTP client resolves them, a path that stays within the
 * stage is signed and sent as written, and a ".." that climbs above the stage
 * is a SigningError. The model of a path is `resolvedSegments`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import ApiGatewaySigner, { SigningError } from "api-gateway-request-signer"
import { pathClimbingAboveStage, pathWithinStage, resolvedSegments, userPath } from "./support/arbitraries.js"
import { runs } from "./support/fastCheck.js"
import { decodedBytes } from "./support/oracles.js"

const keys = { accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "eu-west-1" }
const HOST = "https://abc123.execute-api.eu-west-1.amazonaws.com"
/** Endpoints with a stage, with a deeper base path, and with none. */
const stagePath = fc.constantFrom("/prod", "/v1/api", "")

const hex = (segments: ReadonlyArray<string>) => segments.map((segment) => decodedBytes(segment).toString("hex"))

describe("the path model", () => {
  it.each([
    ["/a/../b", ["b"]],
    ["/a/%2E%2E/b", ["b"]],
    ["/a/.%2e/b/./c", ["b", "c"]],
    ["/a/b/..", ["a", ""]],
    ["/a//..", ["a", ""]],
    ["/", [""]],
    ["/..", undefined],
    ["/%2E%2E", undefined],
    ["/a/../../b", undefined],
    ["/..  ", ["..  "]]
  ] as const)("%s resolves to %j", (path, expected) => {
    expect(resolvedSegments(path)).toEqual(expected)
  })

  it("the path generator covers dot segments that stay within the stage, in every spelling", () => {
    const samples = fc.sample(pathWithinStage, { numRuns: 2000, seed: 42 })
    const dotDots = samples.filter((path) => path.split("/").some((segment) => /^(?:\.|%2e){2}$/i.test(segment)))
    expect(dotDots.length).toBeGreaterThan(50)
    expect(dotDots.some((path) => path.includes("%2E%2E") || path.includes("%2e%2E"))).toBe(true)
    expect(samples.every((path) => resolvedSegments(path) !== undefined)).toBe(true)
    // And the unfiltered generator does produce paths that climb: the filter is not vacuous.
    expect(fc.sample(userPath, { numRuns: 2000, seed: 42 }).some((path) => resolvedSegments(path) === undefined)).toBe(true)
  })
})

describe("facade paths", () => {
  it.prop("a path within the stage is signed, and the URL's path is the stage plus the path with its dot segments resolved", {
    stage: stagePath,
    path: pathWithinStage
  }, ({ path, stage }) => {
    const signer = new ApiGatewaySigner({ endpoint: HOST + stage, ...keys })
    const url = new URL(signer.signRequest({ method: "GET", path }).url)
    const stageSegments = stage === "" ? [] : stage.slice(1).split("/")
    const wireSegments = url.pathname.slice(1).split("/")
    expect(wireSegments.slice(0, stageSegments.length)).toEqual(stageSegments)
    expect(hex(wireSegments.slice(stageSegments.length))).toEqual(hex(resolvedSegments(path)!))
  }, runs(1000))

  it.prop("every path whose \"..\" climbs above the stage, however spelled, is a SigningError that says so", {
    stage: stagePath,
    path: pathClimbingAboveStage,
    method: fc.constantFrom("GET", "POST", "DELETE")
  }, ({ method, path, stage }) => {
    expect(resolvedSegments(path)).toBeUndefined()
    const signer = new ApiGatewaySigner({ endpoint: HOST + stage, ...keys })
    let error: unknown
    try {
      signer.signRequest({ method, path })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "InvalidRequest", field: "path" })
    expect((error as SigningError).message).toMatch(/climbs above the endpoint's stage path/)
  }, runs(1000))
})
