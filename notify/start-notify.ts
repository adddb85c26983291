// The notification part of a node: the notifier listening on the alert bus, and the stores the API's
// notification routes adapt (channels, routes, silences, deliveries). Site names and local time come from
// the registry and the alerts' resolved settings; maintenance windows hold notifications back.
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { AlertsDb } from '../alerts/index.ts'
import type { Alert } from '../domain/alerts.ts'
import type { AlertBus } from '../domain/bus.ts'
import type { RunningPart } from '../domain/part.ts'
import type { SecretBox } from '../domain/secret-box.ts'
import type { Registry } from '../registry/index.ts'
import { createNotifyConfigStore, type NotifyConfigStore } from './config-store.ts'
import { createDeliveryStore, type DeliveryStore } from './delivery-store.ts'
import { migrateNotifyTables } from './migrate.ts'
import { createNotifier, type Notifier, type NotifierDeps } from './notifier.ts'
import { createWebhookGuard, type WebhookGuard } from './webhook-guard.ts'

/** What the API's notification routes work on. */
export interface NotifyStores {
  config: NotifyConfigStore
  deliveries: DeliveryStore
  /** refuses webhook URLs naming non-public addresses (unless allowed) when a channel is saved */
  guard: WebhookGuard
}

export function openNotifyStores(deps: {
  db: AlertsDb
  now: () => number
  webhookAllowNets?: readonly string[]
  /** seals channel secrets in alerts.db (config-store.ts) */
  secrets?: SecretBox
}): NotifyStores {
  migrateNotifyTables(deps.db)
  return {
    config: createNotifyConfigStore(deps.db, deps.now, deps.secrets),
    deliveries: createDeliveryStore(deps.db),
    guard: createWebhookGuard(deps.webhookAllowNets),
  }
}

export interface NotifyPart extends RunningPart {
  notifier: Notifier
  stores: NotifyStores
}

export function startNotify(
  deps: Omit<NotifierDeps, 'getSite' | 'currentAlert' | 'isInMaintenance'> & {
    bus: AlertBus
    registry: Pick<Registry, 'getSite'>
    alerts: {
      settingsOf(siteId: string): { utcOffsetMin: number }
      inMaintenance(siteId: string, deviceId: string, at: number): boolean
      current(alertId: string): Alert | undefined
    }
    log: Logger
    metrics: MetricsRegistry
  },
): NotifyPart {
  const { registry, alerts } = deps
  const notifier = createNotifier({
    ...deps,
    getSite: (siteId) => {
      const site = registry.getSite(siteId)
      return (
        site && {
          tenantId: site.tenantId,
          name: site.name,
          community: site.community,
          utcOffsetMin: alerts.settingsOf(siteId).utcOffsetMin,
        }
      )
    },
    currentAlert: (id) => alerts.current(id),
    isInMaintenance: (siteId, deviceId, at) => alerts.inMaintenance(siteId, deviceId, at),
  })
  // listening before the engine emits its first change
  notifier.start()
  const stores = openNotifyStores({
    db: deps.db,
    now: deps.now,
    webhookAllowNets: deps.webhookAllowNets,
    secrets: deps.secrets,
  })
  return { notifier, stores, stop: () => notifier.stop() }
}
