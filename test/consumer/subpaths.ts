/**
 * Every subpath of the exports map, imported by name as a user writes it,
 * and the facade's default export through its own subpath. Under
 * `moduleResolution: node` (node10) these resolve through `typesVersions`.
 */
import ApiGatewaySignerFromRoot from "api-gateway-request-signer"
import ApiGatewaySigner, { ApiGatewaySigner as NamedApiGatewaySigner } from "api-gateway-request-signer/ApiGatewaySigner"
import * as Credentials from "api-gateway-request-signer/Credentials"
import * as Diagnosis from "api-gateway-request-signer/Diagnosis"
import * as HttpClient from "api-gateway-request-signer/HttpClient"
import { HttpMethods } from "api-gateway-request-signer/HttpMethods"
import * as LocalGateway from "api-gateway-request-signer/LocalGateway"
import { RequestError } from "api-gateway-request-signer/RequestError"
import * as Retry from "api-gateway-request-signer/Retry"
import * as SignedHttpClient from "api-gateway-request-signer/SignedHttpClient"
import type { PresignedRequest, RequestToSign, SignedBody, SignedRequest } from "api-gateway-request-signer/SignedRequest"
import * as Signer from "api-gateway-request-signer/Signer"
import { SigningError } from "api-gateway-request-signer/SigningError"
import * as SigV4 from "api-gateway-request-signer/SigV4"
import * as Verifier from "api-gateway-request-signer/Verifier"

export const sameClass: typeof ApiGatewaySignerFromRoot = ApiGatewaySigner
export const sameNamedClass: typeof ApiGatewaySigner = NamedApiGatewaySigner

export const modules = {
  Credentials,
  Diagnosis,
  HttpClient,
  HttpMethods,
  LocalGateway,
  RequestError,
  Retry,
  SignedHttpClient,
  Signer,
  SigningError,
  SigV4,
  Verifier
}

export const sameClient: typeof HttpClient.SignedHttpClient = SignedHttpClient.SignedHttpClient

export type Models = [PresignedRequest, RequestToSign, SignedBody, SignedRequest]
