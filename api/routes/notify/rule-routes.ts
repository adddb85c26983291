// /notification-routes: which alerts (tenant, sites, severity, types) go to which channels, repeats, escalation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { CourtyardError } from '../../../domain/errors.ts'
import type { NotificationRoute } from '../../../notify/index.ts'
import { principalOf } from '../../auth.ts'
import { pageById } from '../../pagination.ts'
import { errorResponses, IdParams, ListQuery, listOf } from '../../schemas.ts'
import { type NotifyRouteDeps, tags } from './route-helpers.ts'
import { CreateRoute, RouteView, UpdateRoute } from './schemas.ts'

export const ruleRoutes: FastifyPluginAsyncTypebox<NotifyRouteDeps> = async (app, { config, helpers }) => {
  const { tenantFor, found, checkSites, checkChannels } = helpers
  const routeFromBody = (tenantId: string, b: Partial<NotificationRoute>, base?: NotificationRoute) => {
    const merged = { ...base, ...b } as NotificationRoute
    for (const k of ['siteIds', 'types', 'escalateAfterMin', 'escalateTo'] as const)
      if ((merged[k] as unknown) === null) delete merged[k]
    checkSites(tenantId, merged.siteIds)
    checkChannels(tenantId, merged.channelIds)
    checkChannels(tenantId, merged.escalateTo)
    if ((merged.escalateAfterMin === undefined) !== !merged.escalateTo?.length)
      throw new CourtyardError('BAD_REQUEST', 'escalation needs both escalateAfterMin and escalateTo')
    return merged
  }

  app.post(
    '/notification-routes',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'route alerts of a tenant (optionally some sites, types, a minimum severity) to channels',
        body: CreateRoute,
        response: { 201: RouteView, ...errorResponses(400, 403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const { tenantId: asked, ...b } = req.body
      const tenantId = tenantFor(p, asked)
      const r = routeFromBody(tenantId, {
        minSeverity: 'warning',
        repeatEveryMin: {},
        notifyOnClear: true,
        enabled: true,
        ...b,
      } as Partial<NotificationRoute>)
      return reply.status(201).send(config.createRoute({ ...r, tenantId }))
    },
  )

  app.get(
    '/notification-routes',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'routes',
        querystring: Type.Object(ListQuery),
        response: { 200: listOf(RouteView), ...errorResponses(400) },
      },
    },
    async (req) => {
      const scope = principalOf(req).tenantId
      return pageById('notification-routes', (pg) => config.listRoutes(scope, pg), req.query)
    },
  )

  app.get(
    '/notification-routes/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'one route',
        params: IdParams,
        response: { 200: RouteView, ...errorResponses(404) },
      },
    },
    async (req) =>
      found(config.getRoute(req.params.id, principalOf(req).tenantId), 'notification route', req.params.id),
  )

  app.patch(
    '/notification-routes/:id',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'change a route (null removes siteIds, types or escalation)',
        params: IdParams,
        body: UpdateRoute,
        response: { 200: RouteView, ...errorResponses(400, 403, 404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      const r = found(config.getRoute(req.params.id, p.tenantId), 'notification route', req.params.id)
      return config.updateRoute(routeFromBody(r.tenantId, req.body as Partial<NotificationRoute>, r))
    },
  )

  app.delete(
    '/notification-routes/:id',
    {
      config: { permission: 'notify:write' },
      schema: {
        tags,
        summary: 'delete a route',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (req, reply) => {
      const p = principalOf(req)
      const r = found(config.getRoute(req.params.id, p.tenantId), 'notification route', req.params.id)
      config.deleteRoute(r.id)
      return reply.status(204).send(null)
    },
  )
}
