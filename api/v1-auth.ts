// Authentication and permission for every /api/v1 route, in one place. Each route declares the one
// permission it needs (`config: { permission }`, api/permissions.ts); registering a route without one
// fails at start-up, so a new route cannot be forgotten. On each request: who is calling (bearer token or
// session cookie, api/auth.ts), the cross-origin check for cookie-authenticated changes
// (api/cross-origin.ts), then the permission. Tenancy stays in the routes (another tenant's ids: 404).
import type { FastifyInstance } from 'fastify'
import { CourtyardError } from '../domain/errors.ts'
import type { Authenticator } from './auth.ts'
import { crossOriginRefusal, requestOrigin, SAFE_METHODS } from './cross-origin.ts'
import { can, PERMISSIONS, type RoutePermission } from './permissions.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** what the caller must be allowed to do (api/permissions.ts); `public` for signing in */
    permission?: RoutePermission
  }
}

/** A registered /api/v1 route and what it needs: the role matrix test walks these. */
export interface V1Route {
  method: string
  url: string
  permission: RoutePermission
}

/** Installs the hooks; the returned list fills as routes are registered after this call. */
export function installV1Auth(
  v1: FastifyInstance,
  deps: { auth: Authenticator; allowedOrigins?: readonly string[] },
): V1Route[] {
  const routes: V1Route[] = []
  v1.addHook('onRoute', (route) => {
    const permission = route.config?.permission
    if (permission !== 'public' && !PERMISSIONS.includes(permission as never))
      throw new Error(`route ${route.method} ${route.url} declares no permission (config.permission)`)
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, permission: permission as RoutePermission })
  })
  v1.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config.permission
    if (permission === 'public') return
    // unreachable while the onRoute check stands; fail closed all the same
    if (permission === undefined)
      throw new CourtyardError('FORBIDDEN', 'this route declares no permission, so nobody may use it')
    const p = deps.auth.fromRequest(req.headers)
    if (p.credential.kind === 'session' && !SAFE_METHODS.has(req.method)) {
      const refusal = crossOriginRefusal(requestOrigin(req.headers), deps.allowedOrigins)
      if (refusal) throw new CourtyardError('FORBIDDEN', refusal)
    }
    if (!can(p, permission))
      throw new CourtyardError(
        'FORBIDDEN',
        `a${/^[aeiou]/.test(p.role) ? 'n' : ''} ${p.role}${p.tenantId === null ? '' : ` of tenant ${p.tenantId}`} may not do this (it needs ${permission})`,
      )
    req.principal = p
  })
  return routes
}
