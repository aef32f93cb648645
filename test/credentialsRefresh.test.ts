/**
 * How credentials from a provider are held, in the facade and in the Effect
 * API: one provider call however many first signatures wait for it; reuse
 * until 5 minutes before expiry, then renewal, with the new key used on the
 * next signature or attempt; a failure is a typed error carrying the
 * provider's message and no secret, and is never cached; a synchronous
 * signature before resolution says to use `signRequestAsync`. The provider
 * of the single-flight tests is the SDK's, against a container endpoint on
 * loopback that counts its requests.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import axios from "axios"
import got from "got"
import { fromContainerMetadata, fromProcess } from "@aws-sdk/credential-providers"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import ApiGatewaySigner, {
  type CredentialIdentity,
  type CredentialsProvider,
  Credentials,
  Retry,
  type SignedRequest,
  Signer,
  SigningError
} from "api-gateway-request-signer"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { signedAdapter } from "api-gateway-request-signer/axios"
import { withSigner } from "api-gateway-request-signer/got"
import {
  type ContainerEndpoint,
  isolatedEnv,
  issued,
  type Issued,
  startContainerEndpoint,
  writeSharedFiles
} from "./support/credentialSources.js"
import { SDK_FIELD_NAMES } from "../src/internal/credentials.js"
import { PROVIDER_TIMEOUT_MILLIS, providedSource } from "../src/internal/facadeCredentials.js"
import { failureOf } from "./support/outcomes.js"

const REGION = "us-east-1"
const MINUTE = 60_000
const request = { method: "GET", path: "/pets" } as const

type Echo = LocalGateway.EchoResponse

/** fetch, failing with the Response on an HTTP error. */
const send = async (signed: SignedRequest): Promise<Echo> => {
  const response = await fetch(signed.url, signed)
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response })
  return (await response.json()) as Echo
}

/** A provider handing out `answers` in turn (the last one again and again), counting its calls. */
const providerOf = (...answers: Array<() => CredentialIdentity | Promise<CredentialIdentity>>) => {
  const provider = Object.assign(async () => answers[Math.min(provider.calls++, answers.length - 1)]!(), { calls: 0 })
  return provider
}

const facadeFor = (endpoint: string, credentials: CredentialsProvider) =>
  new ApiGatewaySigner({ endpoint: `${endpoint}/prod`, region: REGION, credentials })

/** Every way an error can be shown. */
const shown = (error: unknown): string =>
  [String(error), JSON.stringify(error), inspect(error, { depth: 10 }), (error as Error).message].join("\n")

/** A provider answer that never comes. */
const never = () => new Promise<CredentialIdentity>(() => {})

/** A provider answer that waits until `answer()` (called at the end of a test, so that no 60 s timer outlives it). */
const held = () => {
  let answer = () => {}
  const promise = new Promise<CredentialIdentity>((resolve) => {
    answer = () => resolve(issued("ASIALATER"))
  })
  return { provide: () => promise, answer }
}

/**
 * Counts the timers set from now on (by the global setTimeout, which the facade and Effect's clock call) that
 * are pending and hold the process open (ref'd). Only these: the process's other timers (a keep-alive socket's,
 * a file before this one's, which the suite's shared workers run in the same process) come and go at their own
 * times, so counting every timer the process holds made these tests fail under load.
 */
const trackTimers = () => {
  const pending = new Set<NodeJS.Timeout>()
  const { clearTimeout: realClear, setTimeout: realSet } = globalThis
  // Replaced by hand, not with vi.spyOn: a spy stays in vitest's registry, and a later file's vi.restoreAllMocks()
  // (run while fake timers are installed) would put the real setTimeout back under them, which their uninstall
  // then deletes from globalThis for the rest of the worker.
  globalThis.setTimeout = ((callback: (...args: Array<unknown>) => void, millis?: number, ...args: Array<unknown>) => {
    const timer: NodeJS.Timeout = realSet((...given: Array<unknown>) => {
      pending.delete(timer)
      callback(...given)
    }, millis, ...args)
    pending.add(timer)
    return timer
  }) as typeof setTimeout
  globalThis.clearTimeout = ((timer: NodeJS.Timeout | undefined) => {
    if (timer !== undefined) pending.delete(timer)
    realClear(timer)
  }) as typeof clearTimeout
  return {
    holdingProcess: () => [...pending].filter((timer) => timer.hasRef()).length,
    [Symbol.dispose]: () => {
      globalThis.setTimeout = realSet
      globalThis.clearTimeout = realClear
    }
  }
}

/** Turns of the event loop until `until()` (polled with setImmediate: vi.waitFor's own timer would be counted). */
const turnsUntil = async (until: () => boolean) => {
  for (let turn = 0; turn < 100 && !until(); turn++) await new Promise((resolve) => setImmediate(resolve))
}

/** A fetch that never answers (Effect.never holds an interval, as a socket would), counting the runs still going. */
const hangingFetch = () => {
  const counts = { started: 0, interrupted: 0 }
  const fetch = Effect.suspend(() => {
    counts.started++
    return Effect.never
  }).pipe(Effect.onInterrupt(() => Effect.sync(() => void counts.interrupted++)))
  return { fetch, counts, running: () => counts.started - counts.interrupted }
}

describe("single flight", () => {
  let container: ContainerEndpoint
  let restoreEnv: () => void
  beforeAll(async () => {
    container = await startContainerEndpoint(issued("ASIACONTAINERTASK"))
    restoreEnv = isolatedEnv({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken
    })
  })
  afterAll(async () => {
    restoreEnv()
    await container.close()
  })
  afterEach(() => {
    container.requests.length = 0
  })

  it("the facade: 64 concurrent first signatures make one provider call", async () => {
    const provider = providerOf(() => fromContainerMetadata()())
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    const signed = await Promise.all(Array.from({ length: 64 }, () => signer.signRequestAsync(request)))
    expect(provider.calls).toBe(1)
    expect(container.requests).toHaveLength(1)
    expect(new Set(signed.map((s) => s.headers["x-amz-security-token"]))).toEqual(new Set([issued("ASIACONTAINERTASK").sessionToken]))
  })

  it("the Effect API: 64 concurrent first signatures make one provider call", async () => {
    const provider = providerOf(() => fromContainerMetadata()())
    const signed = await Effect.runPromise(
      Effect.all(Array.from({ length: 64 }, () => Signer.signRequest(request)), { concurrency: "unbounded" }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(provider))
      )
    )
    expect(provider.calls).toBe(1)
    expect(container.requests).toHaveLength(1)
    expect(signed).toHaveLength(64)
  })
})

describe("single flight, when the fetch fails or its credentials are already due for renewal", () => {
  const slowly = <A>(answer: () => A) => () => new Promise<void>((resolve) => setTimeout(resolve, 20)).then(answer)
  const failing = () => {
    throw new Error("IMDS timed out")
  }
  const shortLived = () => ({ ...issued("ASIASHORTLIVED"), expiration: new Date(Date.now() + 4 * MINUTE) })
  const signTenAtOnce = (provider: CredentialsProvider) =>
    Effect.runPromise(
      Effect.all(Array.from({ length: 10 }, () => Effect.exit(Signer.signRequest(request))), { concurrency: "unbounded" }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(provider))
      )
    )

  it("the Effect API: 10 concurrent signatures behind a failing fetch share its failure: one provider call", async () => {
    const provider = providerOf(slowly(failing))
    const exits = await signTenAtOnce(provider)
    expect(provider.calls).toBe(1)
    expect(exits.map((exit) => failureOf(exit).message)).toEqual(Array(10).fill("The credentials provider failed: Error: IMDS timed out"))
  })

  it("the Effect API: 10 concurrent signatures behind a fetch of credentials expiring within 5 minutes sign with them: one provider call", async () => {
    const provider = providerOf(slowly(shortLived))
    const exits = await signTenAtOnce(provider)
    expect(provider.calls).toBe(1)
    expect(exits.every(Exit.isSuccess)).toBe(true)
  })

  it("the facade: the same, one provider call each", async () => {
    const failingProvider = providerOf(slowly(failing))
    const signerFailing = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", failingProvider)
    const rejections = await Promise.allSettled(Array.from({ length: 10 }, () => signerFailing.signRequestAsync(request)))
    expect(failingProvider.calls).toBe(1)
    expect(rejections.map((outcome) => outcome.status === "rejected" && (outcome.reason as Error).message))
      .toEqual(Array(10).fill("The credentials provider failed: Error: IMDS timed out"))

    const shortLivedProvider = providerOf(slowly(shortLived))
    const signerShortLived = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", shortLivedProvider)
    const signed = await Promise.all(Array.from({ length: 10 }, () => signerShortLived.signRequestAsync(request)))
    expect(shortLivedProvider.calls).toBe(1)
    expect(signed.every((s) => s.headers.Authorization.includes("Credential=ASIASHORTLIVED/"))).toBe(true)
  })
})

describe("the facade, behind a provider call that does not settle", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("the signatures waiting for it fail after 60 s, typed, and the next one asks the provider again", async () => {
    vi.useFakeTimers()
    const provider = providerOf(never, () => issued("ASIARECOVERED"))
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    const waiting = Array.from({ length: 3 }, () => signer.signRequestAsync(request).then(() => undefined, (error: unknown) => error))
    await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
    for (const error of await Promise.all(waiting)) {
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("did not answer within 60 s") })
    }
    const signed = await signer.signRequestAsync(request)
    expect(signed.headers.Authorization).toContain("Credential=ASIARECOVERED/")
    expect(provider.calls).toBe(2)
  })

  it("makeRequestWithRetries rejects then, before any call", async () => {
    vi.useFakeTimers()
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(never))
    const callback = vi.fn()
    const outcome = signer.makeRequestWithRetries(request, callback).then(() => undefined, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
    expect(await outcome).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect(callback).not.toHaveBeenCalled()
  })

  it("a renewal in the background does not hold the process open while it waits", async () => {
    const renewal = held()
    const provider = providerOf(() => issued("ASIAFIRST", 4 * MINUTE), renewal.provide)
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    await signer.signRequestAsync(request)
    // Inside the renewal window: this signature starts a renewal in the background (its wait bounded by a timer).
    using timers = trackTimers()
    expect(signer.signRequest(request).headers.Authorization).toContain("Credential=ASIAFIRST/")
    await turnsUntil(() => provider.calls === 2)
    expect(provider.calls).toBe(2)
    expect(timers.holdingProcess()).toBe(0)
    renewal.answer()
  })

  it("a signature that waits on the provider holds the process open, also when it joins a renewal in the background", async () => {
    const renewal = held()
    // Expiring in 90 s: in the renewal window, so signRequest renews them in the background and signRequestAsync waits.
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(() => issued("ASIAFIRST", 90_000), renewal.provide))
    await signer.signRequestAsync(request)
    using timers = trackTimers()
    signer.signRequest(request)
    const waiting = signer.signRequestAsync(request)
    await turnsUntil(() => timers.holdingProcess() === 1)
    expect(timers.holdingProcess()).toBe(1)
    renewal.answer()
    expect((await waiting).headers.Authorization).toContain("Credential=ASIALATER/")
  })

  it("a signature that stops waiting (its signal aborted) no longer holds the process open, once no other waits", async () => {
    const call = held()
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(call.provide))
    using timers = trackTimers()
    const first = new AbortController()
    const second = new AbortController()
    const outcomes = [first, second].map((controller) =>
      signer.makeRequestWithRetries(request, () => "sent", 0, { signal: controller.signal }).then(() => undefined, (error: unknown) => error)
    )
    await turnsUntil(() => timers.holdingProcess() === 1)
    expect(timers.holdingProcess()).toBe(1)
    first.abort(new Error("first gave up"))
    await turnsUntil(() => false)
    // The second still waits: the call's timer holds the process.
    expect(timers.holdingProcess()).toBe(1)
    second.abort(new Error("second gave up"))
    await turnsUntil(() => timers.holdingProcess() === 0)
    expect(timers.holdingProcess()).toBe(0)
    expect(await Promise.all(outcomes)).toMatchObject([{ message: "first gave up" }, { message: "second gave up" }])
    call.answer()
  })

  it.each(["axios", "got"] as const)("%s, cancelled while its signature waits on the provider: the call's timer no longer holds the process", async (client) => {
    const call = held()
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(call.provide))
    using timers = trackTimers()
    const controller = new AbortController()
    const url = `${signer.endpoint}/pets`
    const sending = client === "axios"
      ? axios.create({ adapter: signedAdapter(signer) }).get(url, { signal: controller.signal })
      : withSigner(got, signer).get(url, { signal: controller.signal, retry: { limit: 0 } })
    const outcome = sending.then(() => undefined, (error: unknown) => error)
    await turnsUntil(() => timers.holdingProcess() === 1)
    expect(timers.holdingProcess()).toBe(1)
    controller.abort(new Error("gave up"))
    await turnsUntil(() => timers.holdingProcess() === 0)
    expect(timers.holdingProcess()).toBe(0)
    expect(await outcome).toBeInstanceOf(Error)
    call.answer()
  })

  it("got, aborted while its hook reads the body: the signature made after it holds no timer open", async () => {
    const call = held()
    const provider = providerOf(call.provide)
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    using timers = trackTimers()
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    async function* body() {
      await gate
      yield "pet"
    }
    const controller = new AbortController()
    const outcome = withSigner(got, signer).post(`${signer.endpoint}/pets`, { body: body(), signal: controller.signal, retry: { limit: 0 } })
      .then(() => undefined, (error: unknown) => error)
    await turnsUntil(() => false)
    controller.abort(new Error("gave up"))
    expect(await outcome).toBeInstanceOf(Error)
    // The hook reads on (got cannot stop a generator), then signs, with its signal aborted already.
    release()
    await turnsUntil(() => provider.calls === 1)
    expect(provider.calls).toBe(1)
    await turnsUntil(() => false)
    expect(timers.holdingProcess()).toBe(0)
    call.answer()
  })

  it("an answer that arrives after the signatures stopped waiting is kept: signRequest signs with it", async () => {
    vi.useFakeTimers()
    const late = () => new Promise<CredentialIdentity>((resolve) => setTimeout(() => resolve(issued("ASIALATE")), PROVIDER_TIMEOUT_MILLIS + 1_000))
    const provider = providerOf(late)
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    const waiting = signer.signRequestAsync(request).then(() => undefined, (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS + 1_000)
    expect(await waiting).toMatchObject({ reason: "MissingCredentials" })
    expect(signer.signRequest(request).headers.Authorization).toContain("Credential=ASIALATE/")
    expect(provider.calls).toBe(1)
  })
})

describe("the Effect API, behind a provider call that is slow or does not settle", () => {
  const signerLayer = Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Signer and credentials as a service holds them: one runtime, built once. */
  const runtimeOf = (credentials: Layer.Layer<Credentials.Credentials>) => ManagedRuntime.make(Layer.merge(signerLayer, credentials))
  /** Runs `use` with such a runtime, and disposes of it after. */
  const withRuntime = async (credentials: Layer.Layer<Credentials.Credentials>, use: (runtime: ReturnType<typeof runtimeOf>) => Promise<void>) => {
    const runtime = runtimeOf(credentials)
    try {
      await use(runtime)
    } finally {
      await runtime.dispose()
    }
  }


  it("a signature that stops waiting (Effect.timeout) leaves the call running: the next signature waits on the same call", async () => {
    const answer = held()
    const provider = providerOf(answer.provide)
    await withRuntime(Credentials.layerFromProvider(provider), async (runtime) => {
        const timedOut = await runtime.runPromiseExit(Signer.signRequest(request).pipe(Effect.timeout("20 millis")))
        expect(failureOf(timedOut)).toMatchObject({ _tag: "TimeoutException" })
        const waiting = runtime.runPromise(Signer.signRequest(request))
        answer.answer()
        expect((await waiting).headers["authorization"]).toContain("Credential=ASIALATER/")
        expect(provider.calls).toBe(1)
    })
  })

  it("an answer that arrives after every signature stopped waiting is kept: the next signature signs with it, with no new call", async () => {
    const answer = held()
    const provider = providerOf(answer.provide)
    await withRuntime(Credentials.layerFromProvider(provider), async (runtime) => {
        const timedOut = await runtime.runPromiseExit(
          Effect.all(Array.from({ length: 5 }, () => Signer.signRequest(request)), { concurrency: "unbounded" }).pipe(Effect.timeout("20 millis"))
        )
        expect(Exit.isFailure(timedOut)).toBe(true)
        answer.answer()
        await vi.waitFor(async () =>
          expect((await runtime.runPromise(Signer.signRequest(request))).headers["authorization"]).toContain("Credential=ASIALATER/")
        )
        expect(provider.calls).toBe(1)
    })
  })

  it("a waiting signature holds one timer, its 60 s bound; one that stops waiting leaves none, while the call goes on", async () => {
    const answer = held()
    const runtime = runtimeOf(Credentials.layerFromProvider(providerOf(answer.provide)))
    try {
      using timers = trackTimers()
      const fiber = runtime.runFork(Signer.signRequest(request))
      await turnsUntil(() => timers.holdingProcess() !== 0)
      expect(timers.holdingProcess()).toBe(1)
      await runtime.runPromise(Fiber.interrupt(fiber))
      expect(timers.holdingProcess()).toBe(0)
    } finally {
      answer.answer()
      await runtime.dispose()
    }
  })

  it("the signatures waiting for a call that does not settle fail after 60 s, typed, and the next one asks the provider again", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const provider = providerOf(never, () => issued("ASIARECOVERED"))
    await withRuntime(Credentials.layerFromProvider(provider), async (runtime) => {
        const waiting = Array.from({ length: 3 }, () => runtime.runPromise(Effect.flip(Signer.signRequest(request))))
        await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
        for (const error of await Promise.all(waiting)) {
          expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("did not answer within 60 s") })
        }
        expect((await runtime.runPromise(Signer.signRequest(request))).headers["authorization"]).toContain("Credential=ASIARECOVERED/")
        expect(provider.calls).toBe(2)
    })
  })

  it("a signature that cannot be interrupted (in a finalizer, say) still fails after 60 s", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    await withRuntime(Credentials.layerFromProvider(providerOf(never)), async (runtime) => {
        const waiting = runtime.runPromise(Effect.uninterruptible(Effect.flip(Signer.signRequest(request))))
        await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
        expect(await waiting).toMatchObject({ reason: "MissingCredentials", message: expect.stringContaining("did not answer within 60 s") })
    })
  })

  it("a fetch stuck where it cannot be interrupted still lets its signatures fail after 60 s, and the layer be released", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const stuck = Effect.acquireRelease(Effect.promise(() => new Promise<CredentialIdentity>(() => {})), () => Effect.void)
    const runtime = runtimeOf(Credentials.layerRefreshing(Effect.scoped(stuck)))
    const waiting = runtime.runPromise(Effect.flip(Signer.signRequest(request)))
    await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
    expect(await waiting).toMatchObject({ reason: "MissingCredentials", message: expect.stringContaining("did not answer within 60 s") })
    await runtime.dispose()
  })

  it("a fetch that takes longer than 60 s: its signatures fail, and its answer is kept for the next ones, with no new call", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const provider = providerOf(() => new Promise<CredentialIdentity>((resolve) => setTimeout(() => resolve(issued("ASIASLOW")), 90_000)))
    await withRuntime(Credentials.layerFromProvider(provider), async (runtime) => {
        const first = runtime.runPromise(Effect.flip(Signer.signRequest(request)))
        await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
        expect(await first).toMatchObject({ reason: "MissingCredentials" })
        await vi.advanceTimersByTimeAsync(90_000 - PROVIDER_TIMEOUT_MILLIS)
        expect((await runtime.runPromise(Signer.signRequest(request))).headers["authorization"]).toContain("Credential=ASIASLOW/")
        expect(provider.calls).toBe(1)
    })
  })

  it.effect("the 60 s bound is on real time: a TestClock moved on does not fail a call the provider answers in real time", () =>
    Effect.gen(function*() {
      const provider = providerOf(() => new Promise<CredentialIdentity>((resolve) => setTimeout(() => resolve(issued("ASIAREALTIME")), 30)))
      yield* Effect.gen(function*() {
        const signing = yield* Effect.fork(Signer.signRequest(request))
        yield* TestClock.adjust(Duration.minutes(2))
        expect((yield* Fiber.join(signing)).headers["authorization"]).toContain("Credential=ASIAREALTIME/")
      }).pipe(Effect.provide(signerLayer), Effect.provide(Credentials.layerFromProvider(provider)))
    }))

  it("the layer's release interrupts every call still running, also one its signatures gave up on: a fetch that hangs holds no process open after the program", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const hanging = hangingFetch()
    // Two calls: the first given up on after 60 s, the second waited on.
    const runtime = runtimeOf(Credentials.layerRefreshing(hanging.fetch))
    const first = runtime.runPromiseExit(Signer.signRequest(request))
    await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
    expect(Exit.isFailure(await first)).toBe(true)
    const second = runtime.runFork(Signer.signRequest(request))
    await turnsUntil(() => hanging.running() === 2)
    expect(hanging.running()).toBe(2)
    await runtime.runPromise(Fiber.interrupt(second))
    await runtime.dispose()
    await turnsUntil(() => hanging.running() === 0)
    expect(hanging.running()).toBe(0)
  })

  it("a call that hangs is not joined past its 60 s, even when every signature stopped waiting sooner (its own timeout): the next one asks again", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] })
    const provider = providerOf(never, () => issued("ASIARECOVERED"))
    await withRuntime(Credentials.layerFromProvider(provider), async (runtime) => {
        // Five signatures, each giving up after 10 s: 50 s, and none waited the call out.
        for (let i = 0; i < 5; i++) {
          const timedOut = runtime.runPromiseExit(Signer.signRequest(request).pipe(Effect.timeout("10 seconds")))
          await vi.advanceTimersByTimeAsync(10_001)
          expect(failureOf(await timedOut)).toMatchObject({ _tag: "TimeoutException" })
        }
        await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS - 50_000)
        expect((await runtime.runPromise(Signer.signRequest(request))).headers["authorization"]).toContain("Credential=ASIARECOVERED/")
        expect(provider.calls).toBe(2)
    })
  })

  it("a host clock stepped back does not stretch the bound: a signature after the step does not join the call", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] })
    const provider = providerOf(never, () => issued("ASIARECOVERED"))
    await withRuntime(Credentials.layerFromProvider(provider), async (runtime) => {
        const timedOut = runtime.runPromiseExit(Signer.signRequest(request).pipe(Effect.timeout("10 seconds")))
        await vi.advanceTimersByTimeAsync(10_001)
        expect(failureOf(await timedOut)).toMatchObject({ _tag: "TimeoutException" })
        vi.setSystemTime(Date.now() - 60 * MINUTE)
        expect((await runtime.runPromise(Signer.signRequest(request))).headers["authorization"]).toContain("Credential=ASIARECOVERED/")
        expect(provider.calls).toBe(2)
    })
  })

  it("a call that answers ends the calls given up on that still run: calls that hang do not pile up", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const hanging = hangingFetch()
    let fetches = 0
    // The first fetch hangs; the second answers.
    const fetch = Effect.suspend(() => ++fetches === 1 ? hanging.fetch : Effect.succeed(issued("ASIASECOND")))
    await withRuntime(Credentials.layerRefreshing(fetch), async (runtime) => {
        const first = runtime.runPromiseExit(Signer.signRequest(request))
        await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MILLIS)
        expect(Exit.isFailure(await first)).toBe(true)
        expect(hanging.running()).toBe(1)
        expect((await runtime.runPromise(Signer.signRequest(request))).headers["authorization"]).toContain("Credential=ASIASECOND/")
        await turnsUntil(() => hanging.running() === 0)
        expect(hanging.running()).toBe(0)
    })
  })

  it("a signature still waiting when the layer is released fails with a SigningError, not an interruption", async () => {
    const answer = held()
    const runtime = runtimeOf(Credentials.layerFromProvider(providerOf(answer.provide)))
    const waiting = runtime.runPromiseExit(Signer.signRequest(request))
    await turnsUntil(() => false)
    await runtime.dispose()
    expect(failureOf(await waiting)).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("layer was released") })
    answer.answer()
  })

  it("a service used after its layer was released (Effect.scoped(Layer.build(...))) still asks the provider", async () => {
    const provider = providerOf(() => issued("ASIAAFTERRELEASE"))
    const context = await Effect.runPromise(Effect.scoped(Layer.build(Credentials.layerFromProvider(provider))))
    const credentials = await Effect.runPromise(Context.get(context, Credentials.Credentials).get.pipe(Effect.timeout("5 seconds")))
    expect(credentials.accessKeyId).toBe("ASIAAFTERRELEASE")
  })
})

describe("in workerd, where a call belongs to the request that made it", () => {
  /** Runs `make` as in workerd: `navigator.userAgent` is "Cloudflare-Workers" while it runs (the signer or layer reads it then). */
  const asInWorkerd = <A>(make: () => A): A => {
    const own = Object.getOwnPropertyDescriptor(globalThis, "navigator")
    Object.defineProperty(globalThis, "navigator", { value: { userAgent: "Cloudflare-Workers" }, configurable: true, writable: true })
    try {
      return make()
    } finally {
      if (own === undefined) delete (globalThis as { navigator?: unknown }).navigator
      else Object.defineProperty(globalThis, "navigator", own)
    }
  }
  const slowly = () => new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => issued("ASIAWORKER"))

  it("the facade: each signature makes its own provider call (a call shared with another request would be cancelled with it)", async () => {
    const provider = providerOf(slowly)
    const signer = asInWorkerd(() => facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider))
    const signed = await Promise.all(Array.from({ length: 3 }, () => signer.signRequestAsync(request)))
    expect(signed.every((s) => s.headers.Authorization.includes("Credential=ASIAWORKER/"))).toBe(true)
    expect(provider.calls).toBe(3)
  })

  it("the facade: recognised without a navigator too (old compatibility dates, no_global_navigator), by WebSocketPair and caches.default", async () => {
    const provider = providerOf(slowly)
    const globals = globalThis as { WebSocketPair?: unknown; caches?: unknown }
    const own = { WebSocketPair: globals.WebSocketPair, caches: globals.caches }
    Object.assign(globals, { WebSocketPair: class WebSocketPair {}, caches: { default: {} } })
    let signer: ApiGatewaySigner
    try {
      signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    } finally {
      for (const [name, value] of Object.entries(own)) {
        if (value === undefined) delete (globals as Record<string, unknown>)[name]
        else (globals as Record<string, unknown>)[name] = value
      }
    }
    await Promise.all(Array.from({ length: 3 }, () => signer.signRequestAsync(request)))
    expect(provider.calls).toBe(3)
  })

  it("the facade: no renewal in the background, which would die with the request that started it; the next signRequestAsync renews", async () => {
    const provider = providerOf(() => issued("ASIAFIRST", 4 * MINUTE), () => issued("ASIASECOND"))
    const signer = asInWorkerd(() => facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider))
    await signer.signRequestAsync(request)
    // Inside the renewal window: signed with what it has, and nothing asked.
    expect(signer.signRequest(request).headers.Authorization).toContain("Credential=ASIAFIRST/")
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(provider.calls).toBe(1)
    expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIASECOND/")
  })

  it("the Effect API: a call whose signature stopped waiting is dropped, not kept running for the layer's life", async () => {
    const hanging = hangingFetch()
    const layer = asInWorkerd(() => Layer.merge(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" }), Credentials.layerRefreshing(hanging.fetch)))
    const runtime = ManagedRuntime.make(layer)
    try {
      await asInWorkerd(() => runtime.runtime())
      const timedOut = await runtime.runPromiseExit(Signer.signRequest(request).pipe(Effect.timeout("20 millis")))
      expect(failureOf(timedOut)).toMatchObject({ _tag: "TimeoutException" })
      await turnsUntil(() => hanging.running() === 0)
      expect(hanging.counts).toEqual({ started: 1, interrupted: 1 })
    } finally {
      await runtime.dispose()
    }
  })

  it("the Effect API: each signature makes its own provider call", async () => {
    const provider = providerOf(slowly)
    const layer = asInWorkerd(() => Layer.merge(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" }), Credentials.layerFromProvider(provider)))
    // The layer reads navigator when it is built: build it while it says workerd.
    const runtime = ManagedRuntime.make(layer)
    try {
      await asInWorkerd(() => runtime.runtime())
      const signed = await runtime.runPromise(Effect.all(Array.from({ length: 3 }, () => Signer.signRequest(request)), { concurrency: "unbounded" }))
      expect(signed.every((s) => s.headers["authorization"]!.includes("Credential=ASIAWORKER/"))).toBe(true)
      expect(provider.calls).toBe(3)
    } finally {
      await runtime.dispose()
    }
  })
})

describe("the signer's clock offset", () => {
  it.effect("the Effect API: credentials are renewed by the time signatures carry (Clock plus offset), not by the bare Clock", () =>
    Effect.gen(function*() {
      const start = Date.now()
      yield* TestClock.setTime(start)
      // Each fetch gives credentials valid for an hour of the Clock; the signer's clock is 20 minutes ahead of it.
      let fetches = 0
      const source = Effect.clockWith((clock) =>
        Effect.map(clock.currentTimeMillis, (now) => ({ ...issued(`ASIAFETCH${++fetches}`), expiration: new Date(now + 60 * MINUTE) }))
      )
      yield* Effect.gen(function*() {
        yield* Signer.setClockOffset(20 * MINUTE)
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain("Credential=ASIAFETCH1/")
        // 45 minutes on: the signature says minute 65, past the first credentials' expiry (minute 60).
        yield* TestClock.adjust(Duration.minutes(45))
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain("Credential=ASIAFETCH2/")
        expect(fetches).toBe(2)
      }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerRefreshing(source))
      )
    }))
})

/**
 * A provider behind a cache as the AWS SDK's (its `memoize`): its answer kept until 5 minutes before it expires by
 * `machineNow` (the machine's clock, which judges it), or until a call asks with `{ forceRefresh: true }`.
 */
const cachedAsTheSdkDoes = (source: () => Issued, machineNow: () => number = Date.now) => {
  let held: Issued | undefined
  const asked: Array<unknown> = []
  const provider = async (options?: { readonly forceRefresh?: boolean }) => {
    asked.push(options)
    if (held === undefined || options?.forceRefresh === true || held.expiration.getTime() - machineNow() < 5 * MINUTE) held = source()
    return held
  }
  return Object.assign(provider, { asked })
}

describe("a renewal asks the provider with the AWS SDK's forceRefresh", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("the facade: on a machine 20 minutes behind AWS, no request goes out with credentials AWS has expired (the SDK's cache judges them by the machine's clock)", async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ["Date"], now: start })
    const skew = 20 * MINUTE
    const vended = new Map<string, Issued>()
    let serial = 0
    const provider = cachedAsTheSdkDoes(() => {
      const credentials = { ...issued(`ASIAVENDED${++serial}`), expiration: new Date(Date.now() + skew + 60 * MINUTE) }
      vended.set(credentials.accessKeyId, credentials)
      return credentials
    })
    const gateway = await LocalGateway.start({ region: REGION, clockOffsetMillis: skew, credentials: (id) => vended.get(id) })
    try {
      const signer = facadeFor(gateway.url, provider)
      const refused: Array<string> = []
      // Two hours, a request every 5 minutes (the signer learns the offset from the first one's refusal).
      for (let minute = 0; minute <= 120; minute += 5) {
        vi.setSystemTime(start + minute * MINUTE)
        const response = await signer.fetch("/pets")
        if (response.status !== 200) refused.push(`minute ${minute}: ${response.status} ${await response.text()}`)
        else await response.arrayBuffer()
      }
      expect(refused).toEqual([])
      expect(serial).toBeGreaterThanOrEqual(3)
    } finally {
      await gateway.close()
    }
  })

  it("the facade: a provider is asked plainly, and again with forceRefresh when it answers with the credentials held, due for renewal: at most once per 10 s of host time", async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ["Date"], now: start })
    const asked: Array<unknown> = []
    // A source that serves the same credentials, inside the 5-minute window, forced or not: every signature renews.
    const served = { ...issued("ASIASHORTLIVED"), expiration: new Date(start + 4 * MINUTE) }
    const provider = async (options?: { readonly forceRefresh?: boolean }) => {
      asked.push(options)
      return served
    }
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    for (const at of [0, 0, 9_999, 10_000, 10_001]) {
      vi.setSystemTime(start + at)
      await signer.signRequestAsync(request)
    }
    // The first answer is new: not forced. The second is the one held: forced; again only 10 s later.
    expect(asked).toEqual([undefined, undefined, { forceRefresh: true }, undefined, undefined, { forceRefresh: true }, undefined])
  })

  it("the facade: a forced call that does not answer within 2 s is not waited for: the signature goes on with the answer in hand", async () => {
    vi.useFakeTimers()
    const served = { ...issued("ASIAHELD"), expiration: new Date(Date.now() + 4 * MINUTE) }
    const asked: Array<unknown> = []
    const provider = (options?: { readonly forceRefresh?: boolean }) => {
      asked.push(options)
      return options?.forceRefresh === true ? never() : Promise.resolve(served)
    }
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    await signer.signRequestAsync(request)
    let signed: SignedRequest | undefined
    const renewing = signer.signRequestAsync(request).then((result) => (signed = result))
    await vi.advanceTimersByTimeAsync(1_999)
    expect(signed).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    await renewing
    expect(signed!.headers.Authorization).toContain("Credential=ASIAHELD/")
    expect(asked).toEqual([undefined, undefined, { forceRefresh: true }])
  })

  /** A provider answering `held` plainly, and new credentials 3 s after a forced call. */
  const forcedAnswersIn3s = (held: Issued) => (options?: { readonly forceRefresh?: boolean }) =>
    options?.forceRefresh === true
      ? new Promise<CredentialIdentity>((resolve) => setTimeout(() => resolve(issued("ASIARENEWED")), 3_000))
      : Promise.resolve(held)

  it.each([
    // Expired by the signer's clock, 20 minutes ahead of the machine's (AWS's): the first signature cannot use it.
    ["has expired by the signer's clock (a clock behind AWS's)", 10 * MINUTE, 20 * MINUTE],
    ["expires within them", 1_000, 0]
  ])("the facade: a forced call is waited for past 2 s when the answer in hand %s", async (_, expiresIn, clockOffset) => {
    vi.useFakeTimers()
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", forcedAnswersIn3s(issued("ASIAHELD", expiresIn)))
    signer.clockOffset = clockOffset
    await signer.signRequestAsync(request).catch(() => undefined)
    const signing = signer.signRequestAsync(request)
    await vi.advanceTimersByTimeAsync(3_000)
    expect((await signing).headers.Authorization).toContain("Credential=ASIARENEWED/")
  })

  it.effect("the Effect API: with a clock offset of 20 minutes, the renewal it makes is not answered from a cache judged by the bare Clock", () =>
    Effect.gen(function*() {
      const start = Date.now()
      yield* TestClock.setTime(start)
      let machineNow = start
      let serial = 0
      // Credentials for an hour of AWS's time, which is 20 minutes ahead of the machine's (the Clock).
      const provider = cachedAsTheSdkDoes(
        () => ({ ...issued(`ASIAVENDED${++serial}`), expiration: new Date(machineNow + 80 * MINUTE) }),
        () => machineNow
      )
      yield* Effect.gen(function*() {
        yield* Signer.setClockOffset(20 * MINUTE)
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain("Credential=ASIAVENDED1/")
        // 57 minutes on: the signature says minute 77, inside the 5 minutes before ASIAVENDED1 expires (minute 80);
        // the cache, by the machine's clock, still sees 23 minutes left.
        machineNow = start + 57 * MINUTE
        yield* TestClock.adjust(Duration.minutes(57))
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain("Credential=ASIAVENDED2/")
        expect(provider.asked).toEqual([undefined, undefined, { forceRefresh: true }])
      }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(provider))
      )
    }))

  it("the Effect API: a layer built for every request asks the provider plainly while its answers are fresh: its cache answers", async () => {
    let serial = 0
    const provider = cachedAsTheSdkDoes(() => issued(`ASIAVENDED${++serial}`, 60 * MINUTE))
    const CredentialsLive = Credentials.layerFromProvider(provider)
    for (let i = 0; i < 3; i++) {
      const signed = await Effect.runPromise(
        Signer.signRequest(request).pipe(
          Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
          Effect.provide(CredentialsLive)
        )
      )
      expect(signed.headers["authorization"]).toContain("Credential=ASIAVENDED1/")
    }
    expect(provider.asked).toEqual([undefined, undefined, undefined])
  })

  it("the facade: a function of one's own whose answers are fresh is called without arguments (one with a parameter of its own meaning keeps working)", async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ["Date"], now: start })
    const profiles: Array<unknown> = []
    const credentialsOf = async (profile: unknown = "default") => {
      profiles.push(profile)
      return { ...issued(`ASIA${String(profile).toUpperCase()}`), expiration: new Date(Date.now() + 60 * MINUTE) }
    }
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", credentialsOf)
    for (const minute of [0, 56, 112, 168]) {
      vi.setSystemTime(start + minute * MINUTE)
      expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIADEFAULT/")
    }
    expect(profiles).toEqual(["default", "default", "default", "default"])
  })
})

describe("maxAge", () => {
  it.effect("is time since the fetch on the Clock: a signer's clock offset that changes does not stretch it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      let fetches = 0
      const source = Effect.sync(() => issued(`AKIDNOEXPIRY${++fetches}`)).pipe(Effect.map(({ expiration: _, ...rest }) => rest))
      yield* Effect.gen(function*() {
        yield* Signer.setClockOffset(120 * MINUTE)
        yield* Signer.signRequest(request)
        yield* Signer.setClockOffset(0)
        yield* TestClock.adjust(Duration.minutes(30))
        expect((yield* Signer.signRequest(request)).headers["authorization"]).toContain("Credential=AKIDNOEXPIRY2/")
        expect(fetches).toBe(2)
      }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerRefreshing(source, { maxAge: "15 minutes" }))
      )
    }))
})

describe("rotation", () => {
  const fresh = issued("ASIAFRESHKEY")

  afterEach(() => {
    vi.useRealTimers()
  })

  it("the facade: reused until 5 minutes before expiry, then renewed by the next signRequestAsync", async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ["Date"], now: start })
    const gateway = await LocalGateway.start({ credentials: [fresh], region: REGION })
    try {
      const expiring = { ...issued("ASIAEXPIRINGKEY"), expiration: new Date(start + 60 * MINUTE) }
      const provider = providerOf(() => expiring, () => fresh)
      const signer = facadeFor(gateway.url, provider)

      // The old key: the gateway knows only the new one.
      await expect(send(await signer.signRequestAsync(request))).rejects.toMatchObject({ response: { status: 403 } })
      vi.setSystemTime(start + 54 * MINUTE)
      expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIAEXPIRINGKEY/")
      expect(provider.calls).toBe(1)

      vi.setSystemTime(start + 55 * MINUTE + 1)
      const echo = await send(await signer.signRequestAsync(request))
      expect(echo.principal.accessKeyId).toBe(fresh.accessKeyId)
      expect(provider.calls).toBe(2)
    } finally {
      await gateway.close()
    }
  })

  it("the facade: makeRequestWithRetries resolves before each attempt, so a retry signs with the renewed key", async () => {
    const gateway = await LocalGateway.start({ credentials: [fresh], region: REGION })
    try {
      // Already within 5 minutes of expiry: valid for one attempt, renewed for the next.
      const expiring = { ...issued("ASIAEXPIRINGKEY"), expiration: new Date(Date.now() + 4 * MINUTE) }
      const provider = providerOf(() => expiring, () => fresh)
      const statuses: Array<number> = []
      const echo = await facadeFor(gateway.url, provider).makeRequestWithRetries(
        request,
        (signed) =>
          send(signed).catch((error: { response: Response }) => {
            statuses.push(error.response.status)
            throw error
          }),
        1,
        { shouldRetry: () => true, baseDelayMs: 0 }
      )
      expect(statuses).toEqual([403])
      expect(echo.principal.accessKeyId).toBe(fresh.accessKeyId)
      expect(provider.calls).toBe(2)
    } finally {
      await gateway.close()
    }
  })

  it.scoped("the Effect API: expiry on the TestClock, and the new key is used on the next attempt", () =>
    Effect.gen(function*() {
      const start = Date.now()
      yield* TestClock.setTime(start)
      let gatewayNow = start
      const gateway = yield* LocalGateway.make({ credentials: [fresh], region: REGION, now: () => gatewayNow })
      const expiring = { ...issued("ASIAEXPIRINGKEY"), expiration: new Date(start + 60 * MINUTE) }
      const provider = providerOf(() => expiring, () => fresh)
      const signedWith: Array<string> = []

      const echo = yield* Retry.makeRequestWithRetries(
        request,
        (signed, { attempt }) =>
          Effect.gen(function*() {
            signedWith.push(/Credential=(\w+)\//.exec(signed.headers["authorization"]!)![1]!)
            const result = yield* Effect.either(Effect.tryPromise(() => send(signed)))
            if (result._tag === "Right") return result.right
            // Refused: time passes until the old credentials are within 5 minutes of expiry.
            if (attempt === 1) {
              gatewayNow = start + 56 * MINUTE
              yield* TestClock.adjust(Duration.minutes(56))
            }
            return yield* Effect.fail(result.left)
          }),
        { schedule: Schedule.recurs(1), while: () => true }
      ).pipe(
        Effect.provide(Layer.merge(Signer.layer({ endpoint: `${gateway.url}/prod`, region: REGION }), Credentials.layerFromProvider(provider)))
      )
      expect(signedWith).toEqual(["ASIAEXPIRINGKEY", fresh.accessKeyId])
      expect(echo.principal.accessKeyId).toBe(fresh.accessKeyId)
      expect(provider.calls).toBe(2)
    }))
})

describe("a failing provider", () => {
  const first: Issued = { ...issued("ASIAFIRSTKEY"), expiration: new Date(Date.now() + 4 * MINUTE) }
  // The renewals below fail once the credentials handed out before have expired (a renewal that fails while they
  // are valid signs with them: see "a renewal that fails"). Host time is faked; the Effect tests move their TestClock.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  const expireFirst = () => vi.setSystemTime(first.expiration!.getTime() + 1)
  // A provider whose error quotes the credentials it handed out before (a secret, and a session token).
  const failure = () => {
    expireFirst()
    throw Object.assign(new Error(`refresh of ${first.accessKeyId}:${first.secretAccessKey} (token ${first.sessionToken}) failed: ExpiredToken`), {
      name: "CredentialsProviderError"
    })
  }

  it("the facade: a SigningError with the provider's message and no secret; not cached, the next call asks again", async () => {
    const provider = providerOf(() => first, failure, () => issued("ASIASECONDKEY"))
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIAFIRSTKEY/")

    const error = await signer.signRequestAsync(request).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(SigningError)
    expect(error).toMatchObject({ reason: "MissingCredentials" })
    expect((error as SigningError).message).toMatch(/^The credentials provider failed: CredentialsProviderError: refresh of ASIAFIRSTKEY:.* failed: ExpiredToken$/)
    for (const secret of [first.secretAccessKey, first.sessionToken]) expect(shown(error)).not.toContain(secret)

    expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIASECONDKEY/")
    expect(provider.calls).toBe(3)
  })

  // A provider's error that says nothing secret in its message, but holds the token it handed out
  // elsewhere (as an SDK error holds the request it failed on): inspect would print it.
  const holdsTheToken = () => {
    expireFirst()
    throw Object.assign(new Error("refresh failed"), {
      $metadata: { request: { headers: [["x-amz-security-token", first.sessionToken]] } },
      [Symbol("sent")]: new Map([["token", first.sessionToken]])
    })
  }
  const quietFailure = () => {
    expireFirst()
    throw Object.assign(new Error("refresh failed: ExpiredToken"), { code: "ExpiredToken" })
  }

  // A credential_process's stderr comes on the lines after "Command failed: ...", with any whitespace.
  it("the facade: a provider's message of several lines is said on one, blank lines and runs of spaces dropped", async () => {
    const multiLine = () => {
      // A run of spaces with no line break after it: /\s*\n\s*/ took time quadratic in it (300 K spaces: minutes, past the test timeout).
      throw new Error(`Command failed: get-creds\n\n   vault sealed\n  try again${" ".repeat(300_000)}again`)
    }
    const error = await facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(multiLine)).signRequestAsync(request)
      .then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({
      reason: "MissingCredentials",
      message: expect.stringMatching(/^The credentials provider failed: Error: Command failed \(its command line is not shown\): vault sealed \/ try again {100}/)
    })
  })

  it("the facade and the Effect API: a failed process's command line is not shown, nor kept in a cause (its arguments may be a password)", async () => {
    const execFailure = () => {
      throw Object.assign(new Error("Command failed: vault-helper --vault-password Tr0ub4dor.3x\nvault: login required"), { code: 1 })
    }
    const facadeError = await facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(execFailure)).signRequestAsync(request)
      .then(() => undefined, (e: unknown) => e)
    const effectExit = await Effect.runPromiseExit(Signer.signRequest(request).pipe(
      Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
      Effect.provide(Credentials.layerFromProvider(providerOf(execFailure)))
    ))
    for (const error of [facadeError, failureOf(effectExit)]) {
      expect(error).toMatchObject({
        _tag: "SigningError",
        reason: "MissingCredentials",
        message: "The credentials provider failed: Error: Command failed (its command line is not shown): vault: login required"
      })
      expect((error as SigningError).cause).toBeUndefined()
      expect(shown(error)).not.toContain("Tr0ub4dor")
    }
    // An Effect source adapting such a provider (Effect.tryPromise): its error is not kept either.
    for (const layer of [Credentials.layerRefreshing, Credentials.layerEffect]) {
      const exit = await Effect.runPromiseExit(Signer.signRequest(request).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(layer(Effect.tryPromise(async () => execFailure())))
      ))
      const error = failureOf(exit)
      expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("a failed process's command line") })
      expect(error.cause).toBeUndefined()
      expect(shown(error)).not.toContain("Tr0ub4dor")
    }
  })

  it("the facade: a provider's error holding a secret it handed out in any property is not kept as cause", async () => {
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(() => first, holdsTheToken))
    await signer.signRequestAsync(request)
    const error = await signer.signRequestAsync(request).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: "The credentials provider failed: Error: refresh failed" })
    expect((error as SigningError).cause).toBeUndefined()
    expect(shown(error)).not.toContain(first.sessionToken)
  })

  it("the facade: a provider's error holding no secret it handed out stays the cause", async () => {
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(() => first, quietFailure))
    await signer.signRequestAsync(request)
    const error = await signer.signRequestAsync(request).then(() => undefined, (e: unknown) => e)
    expect((error as SigningError).cause).toMatchObject({ message: "refresh failed: ExpiredToken", code: "ExpiredToken" })
  })

  it("the facade: an HTTP client's error (axios, with its request, socket and agent) holding no secret stays the cause", async () => {
    const server = http.createServer((req, res) => {
      req.resume()
      res.writeHead(500).end("credentials endpoint down")
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`
      const axiosFailure = () => (expireFirst(), axios.get(url).then(() => first))
      const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(() => first, axiosFailure))
      await signer.signRequestAsync(request)
      const error = await signer.signRequestAsync(request).then(() => undefined, (e: unknown) => e)
      expect((error as SigningError).cause).toMatchObject({ name: "AxiosError", response: { status: 500 } })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it.each([
    ["a URL", () => new URL(`https://sts.example/?token=${first.sessionToken}`)],
    ["Headers", () => new Headers({ "x-amz-security-token": first.sessionToken })]
  ])("the facade: a provider's error holding the token in %s is not kept as cause", async (_, holder) => {
    const failing = () => {
      expireFirst()
      throw Object.assign(new Error("refresh failed"), { sent: holder() })
    }
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(() => first, failing))
    await signer.signRequestAsync(request)
    const error = await signer.signRequestAsync(request).then(() => undefined, (e: unknown) => e)
    expect((error as SigningError).cause).toBeUndefined()
    expect(shown(error)).not.toContain(first.sessionToken)
  })

  it("the facade: credentials whose getter throws keep nothing of what it threw (it may quote a secret never read)", async () => {
    const identity = {
      accessKeyId: "ASIAGETTER",
      get secretAccessKey(): string {
        throw new Error(`vault said: ${first.secretAccessKey}`)
      }
    }
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", providerOf(() => identity))
    const error = await signer.signRequestAsync(request).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials" })
    expect((error as SigningError).cause).toBeUndefined()
    expect(shown(error)).not.toContain(first.secretAccessKey)
  })

  it.effect("the Effect API: a provider's error holding a secret it handed out in any property is not kept as cause", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      const sign = Signer.signRequest(request)
      yield* Effect.gen(function*() {
        yield* sign
        yield* TestClock.adjust(Duration.minutes(5))
        const error = failureOf(yield* Effect.exit(sign))
        expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: "The credentials provider failed: Error: refresh failed" })
        expect(error.cause).toBeUndefined()
        expect(shown(error)).not.toContain(first.sessionToken)
      }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(providerOf(() => first, holdsTheToken)))
      )
    }))

  // An Effect source's second run fails with an error that holds the token its first run handed out.
  const sourceOf = () => {
    let runs = 0
    return Effect.suspend(() =>
      runs++ === 0
        ? Effect.succeed(first)
        : Effect.sync(expireFirst).pipe(Effect.zipRight(Effect.fail({ reason: "refresh failed", sent: { headers: { "x-amz-security-token": first.sessionToken } } })))
    )
  }

  it.each([
    ["layerEffect", () => Credentials.layerEffect(sourceOf())],
    ["layerRefreshing", () => Credentials.layerRefreshing(sourceOf(), { maxAge: 0 })]
  ])("the Effect API's %s: a source's error holding a secret it handed out is not kept as cause", async (_, layer) => {
    const sign = Signer.signRequest(request).pipe(
      Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" }))
    )
    const exit = await Effect.runPromise(Effect.zipRight(sign, Effect.exit(sign)).pipe(Effect.provide(layer())))
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("its error is not kept") })
    expect(error.cause).toBeUndefined()
    expect(shown(error)).not.toContain(first.sessionToken)
  })

  it("credential_process failing: the error carries what the process said on stderr; the next call runs it again", async () => {
    const files = writeSharedFiles({ default: issued("AKIADEFAULT"), dev: issued("AKIADEV"), staging: issued("AKIASTAGING"), tool: issued("ASIATOOL") })
    const restoreEnv = isolatedEnv({ AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile, AWS_CONFIG_FILE: files.configFile })
    try {
      files.setProcessFailure("Error: the SSO session has expired; run aws sso login --profile tool")
      const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", fromProcess({ profile: "tool" }))
      await expect(signer.signRequestAsync(request)).rejects.toMatchObject({
        name: "SigningError",
        reason: "MissingCredentials",
        message: expect.stringMatching(/^The credentials provider failed: .*Command failed \(its command line is not shown\): Error: the SSO session has expired; run aws sso login --profile tool$/)
      })
      files.setProcessOutput(issued("ASIATOOL"))
      expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIATOOL/")
    } finally {
      restoreEnv()
      files.remove()
    }
  })

  it("the facade: makeRequestWithRetries rejects with that SigningError before any call", async () => {
    const provider = providerOf(failure)
    const callback = vi.fn(send)
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    await expect(signer.makeRequestWithRetries(request, callback, 3)).rejects.toMatchObject({ name: "SigningError", reason: "MissingCredentials" })
    expect(callback).not.toHaveBeenCalled()
    expect(provider.calls).toBe(1)
  })

  it.effect("the Effect API: a SigningError with the provider's message and no secret; not cached, the next signature asks again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      const provider = providerOf(() => first, failure, () => issued("ASIASECONDKEY"))
      const sign = Signer.signRequest(request)
      yield* Effect.gen(function*() {
        expect((yield* sign).headers["authorization"]).toContain("Credential=ASIAFIRSTKEY/")
        yield* TestClock.adjust(Duration.minutes(5))
        const exit = yield* Effect.exit(sign)
        const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
        expect(error).toBeInstanceOf(SigningError)
        expect(error).toMatchObject({ reason: "MissingCredentials" })
        expect(error!.message).toMatch(/^The credentials provider failed: CredentialsProviderError: refresh of ASIAFIRSTKEY:.* failed: ExpiredToken$/)
        for (const secret of [first.secretAccessKey, first.sessionToken]) expect(shown(error)).not.toContain(secret)
        expect((yield* sign).headers["authorization"]).toContain("Credential=ASIASECONDKEY/")
        expect(provider.calls).toBe(3)
      }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(provider))
      )
    }))
})

describe("a renewal that fails while the credentials held are still valid", () => {
  // Within 5 minutes of expiry (or refreshBefore), renewed before each signature: a renewal that fails once (an
  // endpoint's blip, throttling) signs with the credentials held while they are valid, as the AWS SDK's chain does.
  const stillValid = { ...issued("ASIAHELDKEY"), expiration: new Date(Date.now() + 4 * MINUTE) }
  const blip = () => {
    throw Object.assign(new Error("connect ECONNREFUSED 169.254.170.2:80"), { name: "CredentialsProviderError" })
  }

  it("the facade: signRequestAsync signs with them, and the next signature asks again", async () => {
    const provider = providerOf(() => stillValid, blip, () => issued("ASIARENEWEDKEY"))
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIAHELDKEY/")
    expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIAHELDKEY/")
    expect((await signer.signRequestAsync(request)).headers.Authorization).toContain("Credential=ASIARENEWEDKEY/")
    expect(provider.calls).toBe(3)
  })

  it.effect("the Effect API: Signer.signRequest signs with them (refreshBefore 30 minutes, 25 left), and the next signature asks again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      const provider = providerOf(() => ({ ...stillValid, expiration: new Date(Date.now() + 25 * MINUTE) }), blip, () => issued("ASIARENEWEDKEY"))
      const sign = Effect.map(Signer.signRequest(request), (signed) => signed.headers["authorization"])
      const signedWith = yield* Effect.all([sign, sign, sign]).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(provider, { refreshBefore: "30 minutes" }))
      )
      expect(signedWith.map((authorization) => /Credential=(\w+)\//.exec(authorization!)![1])).toEqual(["ASIAHELDKEY", "ASIAHELDKEY", "ASIARENEWEDKEY"])
      expect(provider.calls).toBe(3)
    }))

  it.effect("but not once they have expired: the failure, typed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      const provider = providerOf(() => stillValid, blip)
      const exit = yield* Effect.gen(function*() {
        yield* Signer.signRequest(request)
        yield* TestClock.adjust(Duration.minutes(5))
        return yield* Effect.exit(Signer.signRequest(request))
      }).pipe(
        Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
        Effect.provide(Credentials.layerFromProvider(provider))
      )
      expect(failureOf(exit)).toMatchObject({ _tag: "SigningError", reason: "MissingCredentials", message: expect.stringContaining("ECONNREFUSED") })
    }))
})

describe("the secrets a provider handed out", () => {
  it("are remembered for the last two credentials only: a provider that rotates for months leaves no trail of old secrets", async () => {
    let rotation = 0
    let now = 0
    const source = providedSource(
      async () => ({ ...issued(`ASIAROTATION${++rotation}`), expiration: new Date(rotation * 10 * MINUTE) }),
      SDK_FIELD_NAMES,
      () => now
    )
    // Each resolution is past the last credentials' renewal time, so each asks the provider again.
    for (let i = 1; i <= 20; i++) await source.resolve((now = i * 10 * MINUTE - 6 * MINUTE))
    const [nineteenth, twentieth] = [19, 20].map((n) => issued(`ASIAROTATION${n}`))
    expect(source.secrets()).toEqual([nineteenth!.secretAccessKey, nineteenth!.sessionToken, twentieth!.secretAccessKey, twentieth!.sessionToken])
  })
})

describe("a synchronous signRequest with a provider", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("before the first resolution: CredentialsNotResolved, naming signRequestAsync", () => {
    const provider = providerOf(() => issued("ASIAPROVIDED"))
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    expect(() => signer.signRequest(request)).toThrow(expect.objectContaining({
      name: "SigningError",
      reason: "CredentialsNotResolved",
      message: expect.stringContaining("signRequestAsync")
    }))
    expect(() => signer.presignRequest(request)).toThrow(expect.objectContaining({ reason: "CredentialsNotResolved" }))
    expect(provider.calls).toBe(0)
  })

  it("after signRequestAsync: signs with the credentials resolved; after they expire: CredentialsNotResolved again", async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ["Date"], now: start })
    const provider = providerOf(() => ({ ...issued("ASIAPROVIDED"), expiration: new Date(start + 60 * MINUTE) }))
    const signer = facadeFor("https://abc123.execute-api.us-east-1.amazonaws.com", provider)
    await signer.signRequestAsync(request)
    expect(signer.signRequest(request).headers.Authorization).toContain("Credential=ASIAPROVIDED/")
    vi.setSystemTime(start + 60 * MINUTE)
    expect(() => signer.signRequest(request)).toThrow(expect.objectContaining({
      reason: "CredentialsNotResolved",
      message: expect.stringContaining("signRequestAsync")
    }))
  })
})

describe("a credentials source that is no Effect", () => {
  it.each([
    ["layerEffect", (source: unknown) => Credentials.layerEffect(source as Effect.Effect<Credentials.CredentialsInput>)],
    ["layerRefreshing", (source: unknown) => Credentials.layerRefreshing(source as Effect.Effect<Credentials.CredentialsInput>)]
  ])("%s: every signature fails with a SigningError (InvalidConfig) naming the mistake, never a defect", async (name, layerOf) => {
    for (const source of [5, null, async () => ({ accessKeyId: "AKID", secretAccessKey: "s" })]) {
      const exit = await Effect.runPromiseExit(
        Signer.signRequest(request).pipe(
          Effect.provide(Signer.layer({ endpoint: "https://abc123.execute-api.us-east-1.amazonaws.com/prod" })),
          Effect.provide(layerOf(source))
        )
      )
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : exit).toMatchObject({
        _tag: "SigningError",
        reason: "InvalidConfig",
        message: expect.stringContaining(`${name}(`)
      })
    }
  })
})
