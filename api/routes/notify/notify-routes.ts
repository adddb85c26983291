// /api/v1/notification-channels, /notification-routes, /silences and /alerts/{id}/notifications:
// tenant-scoped (other tenants' ids answer 404), managers and admins write, viewers read.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AlertStore } from '../../../alerts/index.ts'
import type { NotifyStores } from '../../../notify/index.ts'
import { principalOf } from '../../auth.ts'
import type { RouteContext } from '../../context.ts'
import { errorResponses } from '../../schemas.ts'
import { visibleAlert } from '../visible-alert.ts'
import { channelRoutes } from './channel-routes.ts'
import { createRouteHelpers, tags } from './route-helpers.ts'
import { ruleRoutes } from './rule-routes.ts'
import { AlertNotification } from './schemas.ts'
import { silenceRoutes } from './silence-routes.ts'

export { channelView, maskUrl } from './route-helpers.ts'

export const notifyRoutes: FastifyPluginAsyncTypebox<{
  ctx: RouteContext
  notify: NotifyStores
  /**
   * the alerts (alerts.db): an alert's notifications are listed only for an alert the caller may see;
   * a node without the alerts part has no alert to name, and no such route
   */
  alerts?: Pick<AlertStore, 'get'>
}> = async (app, { ctx, notify, alerts }) => {
  const { config, deliveries, guard } = notify
  const deps = { ctx, config, helpers: createRouteHelpers(ctx, config, guard) }
  await app.register(channelRoutes, deps)
  await app.register(ruleRoutes, deps)
  await app.register(silenceRoutes, deps)
  if (!alerts) return

  app.get(
    '/alerts/:id/notifications',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: "an alert's notifications: sent (with delivery state) and suppressed",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Object({ items: Type.Array(AlertNotification) }), ...errorResponses(404) },
      },
    },
    async (req) => {
      const p = principalOf(req)
      // another tenant's alert or an unknown id: 404, as for the alert itself
      const alert = visibleAlert(alerts, p, req.params.id)
      const scope = p.tenantId
      const log = deliveries.forAlert(alert.id)
      const mine = <T extends { tenantId?: string; tenant_id?: string }>(x: T) =>
        scope === null || (x.tenantId ?? x.tenant_id) === scope
      const items = [
        ...log.sent.filter(mine).map((e) => ({
          kind: 'sent' as const,
          reason: e.reason,
          at: e.createdAt,
          channelId: e.channelId,
          channelType: e.channelType,
          // the message may have gone with its other alerts: this alert's own state is that it was dropped
          state: e.dropped ? ('dropped' as const) : e.state,
          attempts: e.attempts,
          deliveredAt: e.dropped ? undefined : e.deliveredAt,
          lastError: e.lastError,
          deliveryId: e.id,
          ...(e.dropped && {
            droppedAt: e.dropped.at,
            cause: e.dropped.cause,
            ...(e.dropped.cause === 'acknowledged' && { acknowledgedBy: e.dropped.by }),
            ...(e.dropped.cause === 'silence' && { silenceId: e.dropped.silenceId }),
          }),
        })),
        ...log.suppressed.filter(mine).map((s) => ({
          kind: 'suppressed' as const,
          reason: s.reason,
          at: s.at,
          routeId: s.route_id,
          cause: s.cause,
          silenceId: s.silence_id ?? undefined,
        })),
      ].sort((a, b) => a.at - b.at)
      return { items }
    },
  )
}
