/**
 * The command's name, help text and version.
 *
 * @since 3.0.0
 */
import { readFileSync } from "node:fs"

/**
 * @since 3.0.0
 * @category constants
 */
export const NAME = "api-gateway-request-signer"

/**
 * @since 3.0.0
 * @category constants
 */
export const HELP = `${NAME}: curl for IAM-authorized APIs. Signs an HTTP request with AWS Signature
Version 4 (credentials found as the AWS CLI finds them) and sends it.

Usage:
  ${NAME} [options] URL
  ${NAME} serve [serve options]

Options:
  -X, --request METHOD    HTTP method (default GET, or POST when data is given)
  -H, --header "N: v"     add a header, signed with the rest (repeatable); a Host header
                          (a VPC endpoint, a proxy) is sent through node:http, since fetch
                          cannot send one; so is a request to a port fetch refuses (6000, ...)
  -d, --data DATA         send DATA as the body (repeatable, joined with &); @FILE reads
                          FILE, @- reads stdin, without CR, LF and NUL bytes (as curl 8.7+);
                          default content-type application/x-www-form-urlencoded, as curl
      --data-binary DATA  like --data, but @FILE and @- are sent byte for byte
      --data-raw DATA     like --data, but DATA is sent as it is, even when it starts with @
  -i, --include           print the status line and response headers before the body
  -v, --verbose           print to stderr the canonical request, string to sign, signed
                          headers and the exchange (secret key and session token hidden)
      --region REGION     signing region (default: from an *.execute-api.REGION.amazonaws.com,
                          Lambda function URL or AppSync host, else AWS_REGION or
                          AWS_DEFAULT_REGION)
      --service NAME      signing service (default: lambda for a Lambda function URL's host,
                          appsync for AppSync's, else execute-api)
      --profile NAME      sign with the credentials of profile NAME of ~/.aws/config and
                          ~/.aws/credentials (keys, SSO, credential_process, assumed
                          roles), found through the AWS SDK's default chain; overrides
                          keys in the environment
      --retries N         retry network failures and HTTP 408, 425, 429 and 5xx up to N
                          times, with backoff, signing each attempt afresh (default 0)
      --dry-run           print the signed request as a curl command and send nothing
      --presign SECONDS   print a presigned URL valid for SECONDS (1 to 604800), send nothing
  -h, --help              print this help
  -V, --version           print the version

Serve options: a local gateway that verifies SigV4 as an IAM-authorized API Gateway
stage does (403 with API Gateway's messages), then echoes or proxies the request.
      --port N            port to listen on (default: any free port; the URL is printed);
                          a port browsers and fetch refuse (6000, 5060, ...) gets a warning
      --host HOST         name or address to listen on, no port (default 127.0.0.1)
      --region REGION     region requests must be signed for (default AWS_REGION, else
                          AWS_DEFAULT_REGION, else us-east-1)
      --service NAME      service requests must be signed for (default execute-api)
      --credentials AKID:SECRET[:TOKEN]
                          who may call (default AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
                          AWS_SESSION_TOKEN; prefer them: arguments show in ps)
      --target URL        proxy verified requests to URL (default: echo them as JSON)
  -h, --help              print this help

Environment:
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   credentials
  AWS_PROFILE, else AWS_DEFAULT_PROFILE                         profile, without --profile or keys
  AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE                  default ~/.aws/config, ~/.aws/credentials
  AWS_REGION, AWS_DEFAULT_REGION                                region, when the host names none

Credentials: --profile NAME; else the keys in the environment; else, when the optional
package @aws-sdk/credential-providers is installed, the AWS SDK's default chain:
AWS_PROFILE (else AWS_DEFAULT_PROFILE) or the default profile (SSO, credential_process,
assumed roles), then web identity (EKS; the AWS CLI asks it before the profiles), ECS and
EKS container credentials, the EC2 instance role. -v says which.

On a 403, stderr says why. A signature mismatch shows the server's canonical request
against ours, line by line, naming the part that differs (method, path, query, a header,
the body); a wrong region or service, an unknown access key, a stray or expired session
token, a skewed clock and a wrong path each get a hint. Of an error body, the first 64 KB
are read.

Exit status:
  0    HTTP status below 400; --dry-run, --presign, --help, --version; serve stopped
  1    network failure (connection refused, DNS, reset) or another runtime error
  2    bad usage or setup: unknown option, no URL, unreadable @FILE, no credentials
       or region, a request that cannot be signed
  22   HTTP status 400 or above (the body is still printed), as curl --fail
  130  interrupted

Examples:
  # GET; the region comes from the host, the credentials from the environment
  ${NAME} https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # POST JSON
  ${NAME} -X POST -H 'content-type: application/json' -d '{"name":"Rex"}' \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # upload a file byte for byte
  ${NAME} -X PUT --data-binary @photo.jpg -H 'content-type: image/jpeg' \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/photos/1
  # a body that starts with @, sent as it is (a browser's "Copy as cURL" writes --data-raw)
  ${NAME} --data-raw '@handle=rex' https://abc123.execute-api.us-east-1.amazonaws.com/prod/handles
  # show the response headers and what was signed; retry transient failures
  ${NAME} -i -v --retries 3 \\
      'https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?type=dog'
  # the credentials of a profile of ~/.aws/config (after aws sso login --profile dev)
  ${NAME} --profile dev -v https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # a custom domain does not name the region: give it
  ${NAME} --region eu-west-1 --service execute-api https://api.example.com/pets
  # a private API through a VPC endpoint: the Host header names the API
  ${NAME} -H 'host: abc123.execute-api.us-east-1.amazonaws.com' \\
      https://vpce-0123456789abcdef-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/prod/pets
  # print the signed request as a curl command
  ${NAME} --dry-run https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets
  # a URL anyone may use for 5 minutes
  ${NAME} --presign 300 \\
      https://abc123.execute-api.us-east-1.amazonaws.com/prod/report.csv
  # a local IAM gateway in front of a development server
  ${NAME} serve --port 8080 --host 127.0.0.1 --region us-east-1 \\
      --service execute-api --credentials AKIDLOCAL:local-secret --target http://localhost:3000
`

let cachedVersion: string | undefined

/** @internal The package's version, read once from package.json. */
export const version = (): string => {
  if (cachedVersion !== undefined) return cachedVersion
  try {
    // src/bin/help.ts and dist/bin/help.js both sit two levels below package.json.
    const manifest: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
    const value = (manifest as { version?: unknown }).version
    cachedVersion = typeof value === "string" ? value : "unknown"
  } catch {
    cachedVersion = "unknown"
  }
  return cachedVersion
}
