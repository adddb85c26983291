// Tenants and API tokens (additive to the v1 contract): how tenant-scoped tokens come to exist.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { principalOf, requireGlobalAdmin } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { pageById } from '../pagination.ts'
import {
  CreatedToken,
  CreateTenant,
  CreateToken,
  errorResponses,
  ListQuery,
  listOf,
  Tenant,
} from '../schemas.ts'

export const adminRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext }> = async (app, { ctx }) => {
  const { registry } = ctx

  app.post(
    '/tenants',
    {
      schema: {
        tags: ['admin'],
        summary: 'create a tenant (property company); admin only',
        body: CreateTenant,
        response: { 201: Tenant, ...errorResponses(400, 403, 409) },
      },
    },
    async (req, reply) => {
      requireGlobalAdmin(principalOf(req))
      return reply.status(201).send(registry.createTenant(req.body))
    },
  )

  app.get(
    '/tenants',
    {
      schema: {
        tags: ['admin'],
        summary: 'tenants this token can see (a tenant token sees its own)',
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(Tenant), ...errorResponses(400) },
      },
    },
    async (req) => {
      const { tenantId } = principalOf(req)
      if (tenantId !== null) {
        const own = registry.getTenant(tenantId)
        return { items: own ? [own] : [] }
      }
      return pageById((page) => registry.listTenants(page), req.query)
    },
  )

  app.post(
    '/tokens',
    {
      schema: {
        tags: ['admin'],
        summary: 'create an API token (tenantId null: every tenant); admin only; the token is shown once',
        body: CreateToken,
        response: { 201: CreatedToken, ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      requireGlobalAdmin(principalOf(req))
      const { token, record } = registry.createToken(req.body)
      req.log.info({ tokenId: record.id, tenantId: record.tenantId, role: record.role }, 'api token created')
      const { hash: _hash, revokedAt: _revoked, ...shown } = record
      return reply.status(201).send({ ...shown, token })
    },
  )
}
