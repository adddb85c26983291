// Bearer tokens → a principal. Tenant-scoped tokens see only their tenant: other tenants' ids answer
// 404 (never 403), so ids do not leak across tenants.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { CourtyardError } from '../domain/errors.ts'
import { hashToken, type Registry, type Role } from '../registry/index.ts'

export interface Principal {
  tokenId: string
  /** null: every tenant (admin) */
  tenantId: string | null
  role: Role
  /** the token's name, for audit trails (`user:<name>`) */
  name?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
}

const BEARER_RE = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/

export function createAuthenticator(deps: { registry: Registry; adminTokenHash?: string }) {
  const adminHash = deps.adminTokenHash ? Buffer.from(deps.adminTokenHash, 'hex') : undefined
  /** The principal for a clear token, or undefined. */
  const fromToken = (token: string): Principal | undefined => {
    if (adminHash) {
      const h = Buffer.from(hashToken(token), 'hex')
      if (h.length === adminHash.length && timingSafeEqual(h, adminHash))
        return { tokenId: 'config-admin', tenantId: null, role: 'admin', name: 'admin' }
    }
    const t = deps.registry.findToken(token)
    return t && { tokenId: t.id, tenantId: t.tenantId, role: t.role, name: t.name }
  }
  const fromHeader = (header: string | undefined): Principal => {
    if (!header)
      throw new CourtyardError('UNAUTHORIZED', 'send an API token in the Authorization header: "Bearer cy_…"')
    const m = BEARER_RE.exec(header)
    const p = m ? fromToken(m[1]!) : undefined
    if (!p)
      throw new CourtyardError(
        'UNAUTHORIZED',
        'the API token is not valid or was revoked: ask an admin for a new one',
      )
    return p
  }
  return { fromToken, fromHeader }
}

export type Authenticator = ReturnType<typeof createAuthenticator>

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal)
    throw new CourtyardError('UNAUTHORIZED', 'send an API token in the Authorization header')
  return req.principal
}

/** Managers and admins change things; viewers only read. */
export function requireWrite(p: Principal): void {
  if (p.role === 'viewer')
    throw new CourtyardError('FORBIDDEN', 'this API token is read-only (viewer): use a manager token')
}

/** Tenants and tokens are managed by admins that span every tenant. */
export function requireGlobalAdmin(p: Principal): void {
  if (p.role !== 'admin' || p.tenantId !== null)
    throw new CourtyardError('FORBIDDEN', 'only an admin token (not bound to a tenant) can do this')
}
