// Who is calling: a bearer token (machines) or a session cookie (people) → a principal. Tenant-scoped
// principals see only their tenant: other tenants' ids answer 404 (never 403), so ids do not leak
// across tenants. What a principal may do is api/permissions.ts, checked by api/v1-auth.ts.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { CourtyardError, unreachable } from '../domain/errors.ts'
import { hashToken, type Registry, type Role, type Session, type User } from '../registry/index.ts'
import { sessionIdFromCookie } from './session-cookie.ts'

export type Credential =
  | { kind: 'token'; tokenId: string }
  /** the ADMIN_TOKEN of the configuration: never revoked through the API */
  | { kind: 'config-admin' }
  | { kind: 'session'; idHash: string; userId: string; username: string }

export interface Principal {
  /** null: every tenant (admin) */
  tenantId: string | null
  role: Role
  /**
   * who did it, for audit trails: `user:<username>` for people, `token:<token name>` for API tokens and
   * `token:admin` for the configuration's ADMIN_TOKEN. The prefixes keep a token named like a colleague
   * (or like the engine's `system`/`auto`) from passing for them.
   */
  actor: string
  credential: Credential
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
}

export interface SessionPolicy {
  /** a session unused this long has ended (sliding) */
  idleTimeoutMs: number
  /** a session ends this long after sign-in however busy it is */
  absoluteTimeoutMs: number
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 12 * 3600_000,
  absoluteTimeoutMs: 7 * 86_400_000,
}

/** Writing last-seen on every request would make each read a registry write; a minute is precise enough. */
const TOUCH_EVERY_MS = 60_000

/** Whether a session is still alive at `now`: before its absolute end and used within the idle timeout. */
export function sessionAlive(s: Session, now: number, policy: SessionPolicy): boolean {
  return now < s.expiresAt && now - s.lastSeenAt < policy.idleTimeoutMs
}

// RFC 9110 §11.1: the scheme is case-insensitive ("bearer" is Bearer), then one or more spaces
const BEARER_RE = /^Bearer +([A-Za-z0-9._~+/=-]{1,512})$/i

export const sessionPrincipal = (user: User, idHash: string): Principal => ({
  tenantId: user.tenantId,
  role: user.role,
  actor: `user:${user.username}`,
  credential: { kind: 'session', idHash, userId: user.id, username: user.username },
})

export function createAuthenticator(deps: {
  registry: Registry
  adminTokenHash?: string
  sessions?: SessionPolicy
  now?: () => number
}) {
  const now = deps.now ?? Date.now
  const policy = deps.sessions ?? DEFAULT_SESSION_POLICY
  const adminHash = deps.adminTokenHash ? Buffer.from(deps.adminTokenHash, 'hex') : undefined

  /** The principal for a clear token, or undefined. */
  const fromToken = (token: string): Principal | undefined => {
    if (adminHash) {
      const h = Buffer.from(hashToken(token), 'hex')
      if (h.length === adminHash.length && timingSafeEqual(h, adminHash))
        return { tenantId: null, role: 'admin', actor: 'token:admin', credential: { kind: 'config-admin' } }
    }
    const t = deps.registry.findToken(token)
    return (
      t && {
        tenantId: t.tenantId,
        role: t.role,
        actor: `token:${t.name}`,
        credential: { kind: 'token', tokenId: t.id },
      }
    )
  }

  /** A live session's principal (its idle clock restarted), or undefined; an ended session is deleted. */
  const fromSession = (found: { session: Session; user: User } | undefined): Principal | undefined => {
    if (!found) return undefined
    const at = now()
    if (!sessionAlive(found.session, at, policy)) {
      deps.registry.deleteSession(found.session.idHash)
      return undefined
    }
    if (at - found.session.lastSeenAt >= TOUCH_EVERY_MS) deps.registry.touchSession(found.session.idHash, at)
    return sessionPrincipal(found.user, found.session.idHash)
  }
  const fromSessionId = (sessionId: string) => fromSession(deps.registry.findSession(sessionId))

  /** A bearer token when one is sent (a wrong one is not rescued by a cookie), else the session cookie. */
  const fromRequest = (headers: { authorization?: string; cookie?: string }): Principal => {
    const header = headers.authorization
    if (header) {
      const m = BEARER_RE.exec(header.trim())
      if (!m)
        throw new CourtyardError(
          'UNAUTHORIZED',
          'the Authorization header must be "Bearer " and an API token (cy_…); without one, sign in (POST /api/v1/session)',
        )
      const p = fromToken(m[1]!)
      if (!p)
        throw new CourtyardError(
          'UNAUTHORIZED',
          'the API token is not valid, expired or was revoked: ask an admin for a new one',
        )
      return p
    }
    const sessionId = sessionIdFromCookie(headers.cookie)
    if (sessionId === undefined)
      throw new CourtyardError(
        'UNAUTHORIZED',
        'sign in (POST /api/v1/session) or send an API token in the Authorization header: "Bearer cy_…"',
      )
    const p = fromSessionId(sessionId)
    if (!p) throw new CourtyardError('UNAUTHORIZED', 'your session has ended: sign in again')
    return p
  }

  /**
   * Whether a principal's credential still holds (live sockets are re-checked with this): the token
   * neither revoked nor expired, the session neither signed out nor ended, its user not removed. An
   * open socket counts as use, so it keeps its session's idle clock running, not its absolute one.
   */
  const stillValid = (p: Principal): boolean => {
    const c = p.credential
    switch (c.kind) {
      case 'config-admin':
        return true
      case 'token':
        return deps.registry.getActiveToken(c.tokenId) !== undefined
      case 'session':
        return fromSession(deps.registry.getSessionByHash(c.idHash)) !== undefined
      default:
        return unreachable(c, 'credential')
    }
  }

  return {
    fromToken,
    fromSessionId,
    fromRequest,
    stillValid,
    policy,
  }
}

export type Authenticator = ReturnType<typeof createAuthenticator>

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new CourtyardError('UNAUTHORIZED', 'sign in or send an API token')
  return req.principal
}
