/**
 * fetch in a browser, with temporary credentials the page got for its user
 * (for example from a Cognito identity pool: `accessKeyId`, `secretKey`,
 * `sessionToken`, `expiration`).
 *
 * - Bundle it for the browser (esbuild, Vite, webpack): the package's
 *   `#crypto` import resolves to @noble/hashes there, not `node:crypto`.
 *   Importing the facade's subpath keeps the Effect runtime out of the bundle.
 * - A browser has no environment variables: pass the credentials explicitly,
 *   and make a new signer when they are renewed, as below. Or give one signer
 *   a provider as `credentials`: a function resolving with `{ accessKeyId,
 *   secretAccessKey, sessionToken, expiration }`, such as the AWS SDK's
 *   `fromCognitoIdentityPool(...)`, and send with `makeRequestWithRetries`,
 *   `fetch` or `signRequestAsync`: they renew the credentials 5 minutes before
 *   they expire (docs/credentials.md).
 * - The API must answer CORS: a preflight (OPTIONS) for the signed headers
 *   (`authorization`, `x-amz-date`, `x-amz-security-token`, and any header of
 *   your own), and `Access-Control-Allow-Origin` on every answer, 403s included.
 * - fetch follows no redirect of a signed request (`redirect: "manual"` is in
 *   it), and never sends a `Host` header of your choosing.
 *
 * Compiled in the tests with the DOM library and without @types/node, as a
 * browser project is.
 */
import ApiGatewaySigner from "api-gateway-request-signer/ApiGatewaySigner"

export interface TemporaryCredentials {
  readonly accessKeyId: string
  readonly secretKey: string
  readonly sessionToken: string
  readonly expiration: Date
}

export interface Pet {
  readonly id: string
  readonly name: string
}

const ENDPOINT = "https://API_ID.execute-api.eu-west-1.amazonaws.com/prod"
/** Renew credentials this long before they expire: a signature made just before expiry may arrive after it. */
const RENEW_BEFORE_MS = 5 * 60_000

/** A signer per set of credentials; `getCredentials` is asked for new ones when they are about to expire. */
export const petsClient = (getCredentials: () => Promise<TemporaryCredentials>) => {
  let current: { signer: ApiGatewaySigner; expiration: Date } | undefined
  const signer = async (): Promise<ApiGatewaySigner> => {
    if (current === undefined || current.expiration.getTime() - Date.now() < RENEW_BEFORE_MS) {
      const credentials = await getCredentials()
      current = {
        signer: new ApiGatewaySigner({
          endpoint: ENDPOINT,
          accessKey: credentials.accessKeyId,
          secretKey: credentials.secretKey,
          sessionToken: credentials.sessionToken
        }),
        expiration: credentials.expiration
      }
    }
    return current.signer
  }

  return {
    list: async (type: string, signal?: AbortSignal): Promise<ReadonlyArray<Pet>> => {
      const apiSigner = await signer()
      return apiSigner.makeRequestWithRetries(
        { method: "GET", path: "/pets", queryParams: { type } },
        async (request) => {
          const response = await fetch(request.url, request)
          if (!response.ok) throw response // a Response: its status decides whether to retry
          return (await response.json()) as ReadonlyArray<Pet>
        },
        3,
        signal === undefined ? {} : { signal }
      )
    },
    create: async (name: string): Promise<Pet> => {
      const request = (await signer()).signRequest({ method: "POST", path: "/pets", body: { name } })
      const response = await fetch(request.url, request)
      if (!response.ok) throw new Error(`POST /pets: HTTP ${response.status}`)
      return (await response.json()) as Pet
    }
  }
}
