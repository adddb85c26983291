// What every /api/v1 route can answer besides its own outcomes, added to each route's schema as it is
// registered, so the OpenAPI document (GET /api/v1/openapi.json) tells a client generated from it the
// truth without each route repeating it:
// - the credential it needs (bearer token or the session cookie), every route but signing in;
// - 429 RATE_LIMITED: every request counts against its caller's bucket (api/rate-limit.ts);
// - 400 BAD_REQUEST: every route refuses a query parameter it does not take (api/query-params.ts), and
//   checks its path and query parameters against its schema;
// - for methods that may carry a body: 400 (not JSON, not the schema), 413 (over the body limit) and
//   415 (not `application/json`);
// - a body that may be left out (routes whose preValidation is `absentBodyIsEmpty`) is not `required`:
//   @fastify/swagger marks every body schema required, and a generated client would insist on one.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { ErrorBody } from './schemas.ts'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** The security schemes of the document (api/app.ts): either one will do. */
export const V1_SECURITY: { [scheme: string]: string[] }[] = [{ bearer: [] }, { session: [] }]

/** The statuses a route can answer by way of the shared machinery, whatever its handler does. */
export function sharedStatuses(route: Pick<RouteOptions, 'method' | 'schema'>): number[] {
  const statuses = [429, 400]
  if ([route.method].flat().some((m) => BODY_METHODS.has(m))) statuses.push(400, 413, 415)
  return [...new Set(statuses)]
}

/** The marker an operation whose body may be left out carries until `optionalBodies` reads it. */
const BODY_OPTIONAL = 'x-body-optional'

/**
 * preValidation of a route whose body is optional (`{note?}`): a request with no body at all is one with
 * an empty body. Fastify validates a body schema against an absent body too ("body must be object"), and
 * Type.Optional does not reach the top level. The OpenAPI document says the body is not required.
 */
export const absentBodyIsEmpty = async (req: FastifyRequest): Promise<void> => {
  req.body ??= {}
}

/** For @fastify/swagger's transformObject: operations marked BODY_OPTIONAL get `requestBody.required: false`. */
export function optionalBodies<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Record<string, unknown>>> }).paths ?? {}
  for (const methods of Object.values(paths))
    for (const op of Object.values(methods)) {
      if (op[BODY_OPTIONAL] !== true) continue
      delete op[BODY_OPTIONAL]
      const body = op.requestBody as { required?: boolean } | undefined
      if (body) body.required = false
    }
  return document
}

export function installOpenApiDefaults(v1: FastifyInstance): void {
  v1.addHook('onRoute', (route) => {
    if (route.schema === undefined || route.schema.hide) return
    if ([route.preValidation].flat().includes(absentBodyIsEmpty))
      (route.schema as Record<string, unknown>)[BODY_OPTIONAL] = true
    const response = (route.schema.response ?? {}) as Record<string, unknown>
    for (const status of sharedStatuses(route)) response[status] ??= ErrorBody
    route.schema.response = response
    if (route.config?.permission !== 'public') route.schema.security ??= V1_SECURITY
  })
}
