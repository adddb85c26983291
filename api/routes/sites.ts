import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../domain/errors.ts'
import { principalOf } from '../auth.ts'
import type { RouteContext } from '../context.ts'
import { pageById } from '../pagination.ts'
import { CreateSite, errorResponses, IdParams, ListQuery, listOf, Site, UpdateSite } from '../schemas.ts'

/** tenant of sites that an admin creates without naming one */
export const DEFAULT_TENANT_ID = 'default'

export const siteRoutes: FastifyPluginAsyncTypebox<{ ctx: RouteContext }> = async (app, { ctx }) => {
  const { registry } = ctx

  app.post(
    '/sites',
    {
      config: { permission: 'sites:write' },
      schema: {
        tags: ['sites'],
        summary: 'create a site (admin tokens may pass tenantId; default: the `default` tenant)',
        body: CreateSite,
        response: { 201: Site, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const { tenantId: asked, ...rest } = req.body
      let tenantId: string
      if (p.tenantId !== null) {
        // a tenant token cannot name another tenant; answer as if it did not exist
        if (asked !== undefined && asked !== p.tenantId)
          throw new CourtyardError('NOT_FOUND', `tenant ${asked} does not exist`)
        tenantId = p.tenantId
      } else {
        // api.md's site body has no tenantId: a single-company install keeps everything in the
        // `default` tenant, created on first use; multi-tenant installs name the tenant.
        tenantId = asked ?? DEFAULT_TENANT_ID
        if (asked === undefined && !registry.getTenant(DEFAULT_TENANT_ID))
          registry.createTenant({ id: DEFAULT_TENANT_ID, name: 'Default tenant' })
      }
      if (!registry.getTenant(tenantId))
        throw new CourtyardError('NOT_FOUND', `tenant ${tenantId} does not exist`)
      const site = registry.createSite({ ...rest, tenantId })
      return reply.status(201).send(site)
    },
  )

  app.get(
    '/sites',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['sites'],
        summary: 'list the sites this token can see',
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(Site), ...errorResponses(400) },
      },
    },
    async (req) => {
      const { tenantId } = principalOf(req)
      return pageById('sites', (page) => registry.listSites({ ...page, tenantId }), req.query)
    },
  )

  app.get(
    '/sites/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['sites'],
        summary: 'one site',
        params: IdParams,
        response: { 200: Site, ...errorResponses(404) },
      },
    },
    async (req) => {
      const site = registry.getSite(req.params.id, { tenantId: principalOf(req).tenantId })
      if (!site) throw new CourtyardError('NOT_FOUND', `site ${req.params.id} does not exist`)
      return site
    },
  )

  app.patch(
    '/sites/:id',
    {
      config: { permission: 'sites:write' },
      schema: {
        tags: ['sites'],
        summary:
          'rename a site or give it a location (dusk for lights that switch at dusk is computed from it)',
        params: IdParams,
        body: UpdateSite,
        response: { 200: Site, ...errorResponses(400, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      if (req.body.name === undefined && req.body.location === undefined)
        throw new CourtyardError(
          'BAD_REQUEST',
          'nothing to change: give the site a new name, a location or both',
        )
      const site = registry.updateSite(req.params.id, req.body, { tenantId: p.tenantId })
      req.log.info({ siteId: site.id, changed: Object.keys(req.body) }, 'site changed')
      return site
    },
  )
}
