// API tokens for machines (docs/api.md v1.1 "API tokens"): list (never the secret), create (optionally
// expiring), revoke at once — later calls answer 401 and live sockets that signed in with it are
// disconnected. An admin bound to a tenant manages that tenant's tokens only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../domain/errors.ts'
import type { ApiToken } from '../../registry/index.ts'
import { principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { pageById } from '../pagination.ts'
import {
  CreatedToken,
  CreateToken,
  errorResponses,
  IdParams,
  ListQuery,
  listOf,
  TokenInfo,
} from '../schemas.ts'
import { parseInstant } from '../time-range.ts'
import type { PeopleDeps } from './people-deps.ts'

const tokenInfo = (t: ApiToken) => ({
  id: t.id,
  tenantId: t.tenantId,
  role: t.role,
  name: t.name,
  createdAt: t.createdAt,
  ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }),
})

export const tokenRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext; people: PeopleDeps }> = async (
  app,
  { ctx, people },
) => {
  const { registry } = ctx

  app.get(
    '/tokens',
    {
      config: { permission: 'tokens:manage' },
      schema: {
        tags: ['admin'],
        summary: 'API tokens not revoked (expired ones show their expiresAt); never their secret',
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(TokenInfo), ...errorResponses(400, 403) },
      },
    },
    async (req) => {
      const { tenantId } = principalOf(req)
      const page = pageById('tokens', (pg) => registry.listTokens({ ...pg, tenantId }), req.query)
      return { ...page, items: page.items.map(tokenInfo) }
    },
  )

  app.post(
    '/tokens',
    {
      config: { permission: 'tokens:manage' },
      schema: {
        tags: ['admin'],
        summary: 'create an API token (tenantId null: every tenant); the token is shown once',
        body: CreateToken,
        response: { 201: CreatedToken, ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const { expiresAt: rawExpiry, ...rest } = req.body
      // an admin bound to a tenant makes tokens for it alone; another tenant is answered as unknown
      if (p.tenantId !== null && rest.tenantId === null)
        throw new CourtyardError(
          'FORBIDDEN',
          `an admin of tenant ${p.tenantId} makes tokens for tenant ${p.tenantId} only, not one spanning every tenant`,
        )
      if (p.tenantId !== null && rest.tenantId !== p.tenantId)
        throw new CourtyardError('NOT_FOUND', `tenant ${rest.tenantId} does not exist`)
      // a number goes through the same check as a string: 1e300 is no instant a client can read back
      const expiresAt = rawExpiry === undefined ? undefined : parseInstant(String(rawExpiry), 'expiresAt')
      const { token, record } = registry.createToken({ ...rest, expiresAt })
      req.log.info(
        { tokenId: record.id, tenantId: record.tenantId, role: record.role, expiresAt, by: p.actor },
        'api token created',
      )
      return reply.status(201).send({ ...tokenInfo(record), token })
    },
  )

  app.delete(
    '/tokens/:id',
    {
      config: { permission: 'tokens:manage' },
      schema: {
        tags: ['admin'],
        summary: 'revoke a token at once: later calls with it answer 401, its live sockets are disconnected',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      registry.revokeToken(req.params.id, { tenantId: p.tenantId })
      req.log.info({ tokenId: req.params.id, by: p.actor }, 'api token revoked')
      people.events.emit('revoked', { kind: 'token', tokenId: req.params.id })
      return reply.status(204).send(null)
    },
  )
}
