// The notifier: listens to alert changes on the bus and only writes to alerts.db (a receiver being down
// never slows the engine); `tick(now)` does everything time-driven: repeats, escalation, group flushes and
// deliveries with retries. Grouping: the first change of a site opens a group per channel that flushes
// `groupWindowMs` (30 s) later with everything that joined it — a shed fire raises smoke, overheat and
// port faults within seconds and the crew gets one page, not twelve; the price is up to 30 s of delay.
// Ticks never wait for one another: the planning is synchronous SQLite, and deliveries run per channel
// (outbox-worker.ts), so a receiver that hangs delays its own channel only.
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { AlertsDb } from '../alerts/index.ts'
import type { Alert } from '../domain/alerts.ts'
import type { AlertBus, AlertChange } from '../domain/bus.ts'
import type { SecretBox } from '../domain/secret-box.ts'
import { createNotifyConfigStore } from './config-store.ts'
import { createDeliveryStore } from './delivery-store.ts'
import { createNotifyMetrics } from './metrics.ts'
import { migrateNotifyTables } from './migrate.ts'
import { createNotifyPlanner } from './notify-planner.ts'
import { createOutboxWorker } from './outbox-worker.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './routing.ts'
import { DEFAULT_MAX_RESPONSE_BYTES, type FetchLike, type MailTransport } from './senders.ts'
import type { SiteInfo } from './types.ts'
import { createGuardedFetch, createWebhookGuard } from './webhook-guard.ts'

export interface NotifierDeps {
  /** alerts.db (alerts/db.ts); the notifier adds its tables */
  db: AlertsDb
  bus: AlertBus
  /** from the registry: names for message text */
  getSite(siteId: string): SiteInfo | undefined
  /**
   * The engine's current view of an alert. When given, repeats and escalations check it first, so a
   * change the notifier missed (it was not listening) never leaves an acknowledged or cleared alert
   * repeating.
   */
  currentAlert?(alertId: string): Alert | undefined
  /** the engine's maintenance windows: no notifications inside them (the alert still exists) */
  isInMaintenance?(siteId: string, deviceId: string, at: number): boolean
  /**
   * Default: undici with an agent that refuses to connect to non-public addresses (webhook-guard.ts)
   * unless `webhookAllowNets` allows them; one given here is used as is (tests).
   */
  fetch?: FetchLike
  /** NOTIFY_WEBHOOK_ALLOW_NETS: CIDRs or addresses webhooks may reach although they are not public */
  webhookAllowNets?: readonly string[]
  /** seals channel secrets in alerts.db (config-store.ts); without it they are stored in plain text */
  secrets?: SecretBox
  /** made once, on the first email */
  createMailTransport?: () => MailTransport
  mailFrom?: string
  log: Logger
  metrics: MetricsRegistry
  now: () => number
  groupWindowMs?: number
  retry?: Partial<RetryPolicy>
  /** one attempt in all (connect, headers, body): 10 s */
  httpTimeoutMs?: number
  /** connecting to a webhook: 5 s (within httpTimeoutMs) */
  connectTimeoutMs?: number
  /** bytes of a webhook's answer read at most: 64 KiB */
  maxResponseBytes?: number
  /** channels delivering at once in all: 64 */
  concurrency?: number
  /** channels of one tenant delivering at once: 8 */
  perTenantConcurrency?: number
  /** finished deliveries are kept this long for GET /alerts/{id}/notifications */
  retentionMs?: number
  random?: () => number
}

export interface Notifier {
  /** plans and starts due deliveries; resolves when the channels this tick started are done */
  tick(now?: number): Promise<void>
  /** calls tick(now()) every `intervalMs` (1 s by default) until stop() */
  start(intervalMs?: number): void
  stop(): Promise<void>
}

export const DEFAULT_GROUP_WINDOW_MS = 30_000
const DAY_MS = 86_400_000
/** alert changes kept for planning while alerts.db refuses; beyond it they are dropped (logged) */
const MAX_DEFERRED = 10_000

export function createNotifier(deps: NotifierDeps): Notifier {
  const log = deps.log.child({ component: 'notifier' })
  migrateNotifyTables(deps.db)
  const config = createNotifyConfigStore(deps.db, deps.now, deps.secrets)
  const deliveries = createDeliveryStore(deps.db)
  const metrics = createNotifyMetrics(deps.metrics, () => deliveries.outboxDepth())
  const groupWindowMs = deps.groupWindowMs ?? DEFAULT_GROUP_WINDOW_MS
  const retentionMs = deps.retentionMs ?? 30 * DAY_MS
  let mail: { transport: MailTransport; from: string } | undefined
  const httpTimeoutMs = deps.httpTimeoutMs ?? 10_000
  const guarded = deps.fetch
    ? undefined
    : createGuardedFetch(createWebhookGuard(deps.webhookAllowNets), {
        connectTimeoutMs: Math.min(deps.connectTimeoutMs ?? 5_000, httpTimeoutMs),
        idleTimeoutMs: httpTimeoutMs,
      })
  const worker = createOutboxWorker({
    config,
    deliveries,
    metrics,
    log,
    getSite: deps.getSite,
    fetch: deps.fetch ?? guarded!.fetch,
    mail: deps.createMailTransport
      ? () => {
          mail ??= { transport: deps.createMailTransport!(), from: deps.mailFrom ?? 'courtyard@localhost' }
          return mail
        }
      : undefined,
    policy: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
    httpTimeoutMs,
    maxResponseBytes: deps.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    concurrency: deps.concurrency ?? 64,
    perTenant: deps.perTenantConcurrency ?? 8,
    batch: 100,
    random: deps.random ?? Math.random,
  })

  const planner = createNotifyPlanner({
    config,
    deliveries,
    metrics,
    log,
    now: deps.now,
    groupWindowMs,
    isInMaintenance: deps.isInMaintenance,
    currentAlert: deps.currentAlert,
  })

  // `repeated` (a count bump per repeating reading) is the frequent change and only refreshes message
  // text: kept in memory and written at the next tick, so the engine's hot path pays a Map.set for it
  const snapshots = new Map<string, Alert>()
  const SNAPSHOT_ONLY = new Set(['repeated', 'command', 'notified'])

  // Changes whose planning failed (alerts.db locked past its busy timeout under load), retried in order at
  // each tick: a crew's page must not be lost to a busy database. Later changes queue behind them, so an
  // alert's "cleared" is never planned before its "raised".
  const deferred: AlertChange[] = []
  const plan = (change: AlertChange) => deliveries.transaction(() => planner.onChange(change))
  const defer = (change: AlertChange, err?: unknown) => {
    const reason = err === undefined ? 'behind earlier deferred changes' : (err as Error).message
    if (deferred.length >= MAX_DEFERRED) {
      log.error({ alertId: change.alert.id, err: reason }, 'notification enqueue failed')
      return
    }
    if (deferred.length === 0)
      log.warn({ alertId: change.alert.id, err: reason }, 'notification enqueue deferred to the next tick')
    deferred.push(change)
  }
  const planDeferred = () => {
    while (deferred.length > 0) {
      try {
        plan(deferred[0]!)
      } catch (err) {
        log.warn(
          { err: (err as Error).message, deferred: deferred.length },
          'deferred notifications still not enqueued',
        )
        return
      }
      deferred.shift()
    }
  }

  const listener = (change: AlertChange) => {
    try {
      if (SNAPSHOT_ONLY.has(change.transition.kind)) {
        snapshots.set(change.alert.id, change.alert)
        return
      }
      // a newer alert state is written now; an older in-memory snapshot must not overwrite it later
      snapshots.delete(change.alert.id)
      if (deferred.length > 0) defer(change)
      else plan(change)
    } catch (err) {
      // never throw into the engine's emit: the alert stands, its notification is planned at the next tick
      defer(change, err)
    }
  }
  deps.bus.on('change', listener)

  let lastPrune = 0
  let timer: NodeJS.Timeout | undefined

  /** Plans, then starts the channels with something due; resolves when the channels it started are done. */
  const tick = async (now = deps.now()): Promise<void> => {
    planDeferred()
    deliveries.transaction(() => {
      for (const alert of snapshots.values()) deliveries.refreshSnapshot(alert)
      snapshots.clear()
      planner.timers(now)
      planner.flush(now)
    })
    if (now - lastPrune > 3_600_000) {
      lastPrune = now
      deliveries.prune(now - retentionMs)
    }
    await worker.dispatch(now)
  }

  return {
    tick,
    start(intervalMs = 1000) {
      timer ??= setInterval(() => {
        tick().catch((err) => log.error({ err: (err as Error).message }, 'notifier tick failed'))
      }, intervalMs)
    },
    async stop() {
      deps.bus.off('change', listener)
      clearInterval(timer)
      timer = undefined
      await worker.stop()
      await guarded?.close()
    },
  }
}
