// People (docs/api.md v1.1 "People and sessions"): an admin manages users in its scope; a manager those
// of its own tenant, below admin. Removing a user or setting its password ends its sessions and
// disconnects its live sockets at once. Passwords are never returned. Nobody removes themselves, and
// the last admin spanning every tenant stays (the registry refuses it); a tenant's last manager may go,
// as an admin spanning every tenant still manages that tenant's people.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../domain/errors.ts'
import type { Role, User } from '../../registry/index.ts'
import { type Principal, principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { pageById } from '../pagination.ts'
import { CreateUser, errorResponses, IdParams, ListQuery, listOf, SetPassword, UserInfo } from '../schemas.ts'
import type { PeopleDeps } from './people-deps.ts'

export const userInfo = (u: User) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  tenantId: u.tenantId,
  displayName: u.displayName ?? null,
  createdAt: u.createdAt,
})

/** Only an admin makes or changes admins; a manager manages the roles below. */
function requireRoleInReach(p: Principal, role: Role): void {
  if (role === 'admin' && p.role !== 'admin')
    throw new CourtyardError('FORBIDDEN', `a ${p.role} manages users below admin only`)
}

export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext; people: PeopleDeps }> = async (
  app,
  { ctx, people },
) => {
  const { registry } = ctx

  /** A user the principal may manage, or 404 (another tenant's) / 403 (an admin, for a manager). */
  const manageable = (p: Principal, id: string): User => {
    const u = registry.getUser(id, { tenantId: p.tenantId })
    if (!u) throw new CourtyardError('NOT_FOUND', `user ${id} does not exist`)
    requireRoleInReach(p, u.role)
    return u
  }

  app.post(
    '/users',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['people'],
        summary: 'create a user (admin; a manager for its own tenant, roles below admin)',
        body: CreateUser,
        response: { 201: UserInfo, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const { tenantId: asked, ...rest } = req.body
      requireRoleInReach(p, rest.role)
      let tenantId: string | null
      if (p.tenantId !== null) {
        if (asked === null)
          throw new CourtyardError(
            'FORBIDDEN',
            `a${/^[aeiou]/.test(p.role) ? 'n' : ''} ${p.role} of tenant ${p.tenantId} adds people to tenant ${p.tenantId} only: leave tenantId out`,
          )
        if (asked !== undefined && asked !== p.tenantId)
          throw new CourtyardError('NOT_FOUND', `tenant ${asked} does not exist`)
        tenantId = p.tenantId
      } else {
        if (asked === undefined && rest.role !== 'admin')
          throw new CourtyardError('BAD_REQUEST', `a ${rest.role} belongs to a tenant: pass tenantId`)
        tenantId = asked ?? null
      }
      const user = await registry.createUser({ ...rest, tenantId })
      req.log.info({ userId: user.id, role: user.role, tenantId, by: p.actor }, 'user created')
      return reply.status(201).send(userInfo(user))
    },
  )

  app.get(
    '/users',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['people'],
        summary: 'the users this caller manages (its tenant; every tenant for an admin spanning all)',
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(UserInfo), ...errorResponses(400, 403) },
      },
    },
    async (req) => {
      const { tenantId } = principalOf(req)
      const page = pageById('users', (pg) => registry.listUsers({ ...pg, tenantId }), req.query)
      return { ...page, items: page.items.map(userInfo) }
    },
  )

  app.delete(
    '/users/:id',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['people'],
        summary:
          'remove a user: its sessions end and its live sockets are disconnected at once (not oneself, not the last admin spanning every tenant)',
        params: IdParams,
        response: { 200: UserInfo, ...errorResponses(403, 404, 409) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const u = manageable(p, req.params.id)
      // a slip of the finger would lock the person out mid-task; someone else decides it
      if (p.credential.kind === 'session' && p.credential.userId === u.id)
        throw new CourtyardError(
          'CONFLICT',
          `you cannot remove your own account: ask ${p.role === 'admin' ? 'another admin' : `an admin or another manager of tenant ${p.tenantId}`} to remove it`,
        )
      registry.deleteUser(u.id)
      req.log.info({ userId: u.id, by: p.actor }, 'user removed')
      people.events.emit('revoked', { kind: 'user', userId: u.id })
      return userInfo(u)
    },
  )

  app.post(
    '/users/:id/password',
    {
      config: { permission: 'users:manage' },
      schema: {
        tags: ['people'],
        summary: "set a user's password; the user's other sessions end",
        params: IdParams,
        body: SetPassword,
        response: { 204: Type.Null(), ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const u = manageable(p, req.params.id)
      // one's own password: this session goes on, any other (perhaps someone else's) ends
      const keep =
        p.credential.kind === 'session' && p.credential.userId === u.id ? p.credential.idHash : undefined
      await registry.setUserPassword(u.id, req.body.password, keep)
      req.log.info({ userId: u.id, by: p.actor }, 'user password set')
      people.events.emit('revoked', { kind: 'user', userId: u.id, keepSessionHash: keep })
      return reply.status(204).send(null)
    },
  )
}
