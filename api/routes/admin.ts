// Tenants (additive to the v1 contract); their tokens are api/routes/tokens.ts, their people users.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { pageById } from '../pagination.ts'
import { CreateTenant, errorResponses, ListQuery, listOf, Tenant } from '../schemas.ts'

export const adminRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext }> = async (app, { ctx }) => {
  const { registry } = ctx

  app.post(
    '/tenants',
    {
      config: { permission: 'tenants:manage' },
      schema: {
        tags: ['admin'],
        summary: 'create a tenant (property company); admin only',
        body: CreateTenant,
        response: { 201: Tenant, ...errorResponses(400, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(registry.createTenant(req.body)),
  )

  app.get(
    '/tenants',
    {
      config: { permission: 'read' },
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
      return pageById('tenants', (page) => registry.listTenants(page), req.query)
    },
  )
}
