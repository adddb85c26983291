// /api/v1/notification-channels, /notification-routes, /silences and /alerts/{id}/notifications:
// tenant-scoped (other tenants' ids answer 404), managers and admins write, viewers read.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import type { AlertsDb } from '../../../alerts/db.ts'
import { createNotifyConfigStore } from '../../../notify/config-store.ts'
import { createDeliveryStore } from '../../../notify/delivery-store.ts'
import { migrateNotifyTables } from '../../../notify/migrate.ts'
import { createWebhookGuard } from '../../../notify/webhook-guard.ts'
import { principalOf } from '../../auth.ts'
import type { RouteContext } from '../../context.ts'
import { errorResponses } from '../../schemas.ts'
import { channelRoutes } from './channel-routes.ts'
import { createRouteHelpers, tags } from './route-helpers.ts'
import { ruleRoutes } from './rule-routes.ts'
import { AlertNotification } from './schemas.ts'
import { silenceRoutes } from './silence-routes.ts'

export { channelView, maskUrl } from './route-helpers.ts'

export const notifyRoutes: FastifyPluginAsyncTypebox<{
  ctx: RouteContext
  db: AlertsDb
  /** NOTIFY_WEBHOOK_ALLOW_NETS: non-public addresses a webhook URL may name (default none) */
  webhookAllowNets?: readonly string[]
}> = async (app, { ctx, db, webhookAllowNets }) => {
  migrateNotifyTables(db)
  const config = createNotifyConfigStore(db, ctx.now)
  const deliveries = createDeliveryStore(db)
  const deps = { ctx, config, helpers: createRouteHelpers(ctx, config, createWebhookGuard(webhookAllowNets)) }
  await app.register(channelRoutes, deps)
  await app.register(ruleRoutes, deps)
  await app.register(silenceRoutes, deps)

  app.get(
    '/alerts/:id/notifications',
    {
      schema: {
        tags,
        summary: "an alert's notifications: sent (with delivery state) and suppressed",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Object({ items: Type.Array(AlertNotification) }), ...errorResponses(404) },
      },
    },
    async (req) => {
      const scope = principalOf(req).tenantId
      const log = deliveries.forAlert(req.params.id)
      const mine = <T extends { tenantId?: string; tenant_id?: string }>(x: T) =>
        scope === null || (x.tenantId ?? x.tenant_id) === scope
      const items = [
        ...log.sent.filter(mine).map((e) => ({
          kind: 'sent' as const,
          reason: e.reason,
          at: e.createdAt,
          channelId: e.channelId,
          channelType: e.channelType,
          state: e.state,
          attempts: e.attempts,
          deliveredAt: e.deliveredAt,
          lastError: e.lastError,
          deliveryId: e.id,
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
