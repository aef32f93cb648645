/**
 * `HttpMethods`, the original package's table of method names (usable as a
 * type too), and `isHttpMethod`.
 *
 * @since 3.0.0
 * @module
 */

/**
 * The methods API Gateway routes. Pass them to `signRequest`; lower-case
 * spellings are accepted too and sent upper-case.
 *
 * @since 3.0.0
 * @category constants
 */
export const HttpMethods = {
  GET: "GET",
  POST: "POST",
  PUT: "PUT",
  PATCH: "PATCH",
  DELETE: "DELETE",
  HEAD: "HEAD",
  OPTIONS: "OPTIONS"
} as const

/**
 * One of the method names in `HttpMethods`.
 *
 * @since 3.0.0
 * @category models
 */
export type HttpMethod = typeof HttpMethods[keyof typeof HttpMethods]

/**
 * The original package's `HttpMethods` was an enum, usable as a type too
 * (`method: HttpMethods`), and so were its members
 * (`HttpMethods.POST | HttpMethods.PUT`); this keeps that code compiling.
 *
 * @since 3.0.0
 * @category models
 */
export type HttpMethods = HttpMethod

/**
 * Each member as a type, as the original enum's members were
 * (`method: HttpMethods.POST | HttpMethods.PUT`). Types only: it emits
 * nothing. (Left out of the API reference, which documents it with the
 * `HttpMethods` type above.)
 *
 * @since 3.0.0
 * @category models
 * @hidden
 */
export declare namespace HttpMethods {
  /** `"GET"` */
  type GET = typeof HttpMethods.GET
  /** `"POST"` */
  type POST = typeof HttpMethods.POST
  /** `"PUT"` */
  type PUT = typeof HttpMethods.PUT
  /** `"PATCH"` */
  type PATCH = typeof HttpMethods.PATCH
  /** `"DELETE"` */
  type DELETE = typeof HttpMethods.DELETE
  /** `"HEAD"` */
  type HEAD = typeof HttpMethods.HEAD
  /** `"OPTIONS"` */
  type OPTIONS = typeof HttpMethods.OPTIONS
}

/**
 * True for a method name in `HttpMethods` (upper case, as the original package spelled them).
 *
 * @since 3.0.0
 * @category refinements
 */
export const isHttpMethod = (value: unknown): value is HttpMethod =>
  typeof value === "string" && Object.hasOwn(HttpMethods, value)
