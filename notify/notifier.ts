// The notifier: plans every alert change the engine committed to alerts.db, exactly once, woken by the
// bus (change-feed.ts), and only writes to alerts.db (a receiver being down never slows the engine);
// `tick(now)` does everything time-driven: repeats, escalation, group flushes and
// deliveries with retries. Grouping: the first change of a site opens a group per channel that flushes
// `groupWindowMs` (30 s) later with everything that joined it — a shed fire raises smoke, overheat and
// port faults within seconds and the crew gets one page, not twelve; the price is up to 30 s of delay.
// Ticks never wait for one another: the planning is synchronous SQLite, and deliveries run per channel
// (outbox-worker.ts), so a receiver that hangs delays its own channel only.
import type { Logger } from 'pino'
import type { Registry as MetricsRegistry } from 'prom-client'
import { type AlertsDb, createAlertStore, createTransitionFeed } from '../alerts/index.ts'
import type { Alert, TransitionKind } from '../domain/alerts.ts'
import type { AlertBus, AlertChange } from '../domain/bus.ts'
import type { SecretBox } from '../domain/secret-box.ts'
import { createChangeFeed } from './change-feed.ts'
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
   * repeating. A queued page is judged against it when due (alerts.db is read when it is not given).
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
const QUIET_KINDS: ReadonlySet<TransitionKind> = new Set(['repeated', 'command', 'notified'])

/** Reads an alert as alerts.db holds it now, for a notifier not given the engine's `currentAlert`. */
function alertsAsStored(db: AlertsDb): (alertId: string) => Alert | undefined {
  const store = createAlertStore(db)
  return (alertId) => store.get(alertId)
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const log = deps.log.child({ component: 'notifier' })
  migrateNotifyTables(deps.db)
  const config = createNotifyConfigStore(deps.db, deps.now, deps.secrets)
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry }
  const deliveries = createDeliveryStore(deps.db, { holdMs: policy.holdMs })
  // the backlog is asked for at a scrape only, after `changes` exists
  const metrics = createNotifyMetrics(
    deps.metrics,
    () => deliveries.outboxDepth(),
    () => changes.backlog(),
  )
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
    // a page is judged when due against the alert as stored now (acknowledged, silenced since)
    alertNow: deps.currentAlert ?? alertsAsStored(deps.db),
    fetch: deps.fetch ?? guarded!.fetch,
    mail: deps.createMailTransport
      ? () => {
          mail ??= { transport: deps.createMailTransport!(), from: deps.mailFrom ?? 'courtyard@localhost' }
          return mail
        }
      : undefined,
    policy,
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

  // Alert changes are planned from alerts.db (change-feed.ts), exactly once each and in commit order; a
  // bus event only says there is something new. Planning it right away keeps the engine's change and its
  // plan milliseconds apart; a long backlog goes in slices, the event loop served in between.
  const changes = createChangeFeed({
    db: deps.db,
    feed: createTransitionFeed(deps.db),
    plan: (change) => planner.onChange(change),
    refreshSnapshot: (alert) => deliveries.refreshSnapshot(alert),
    log,
    now: deps.now,
  })
  const backlog = changes.backlog()
  if (backlog > 0) log.info({ backlog }, 'alert changes to plan from before this start')
  let stopped = false
  let continuing: NodeJS.Immediate | undefined
  // after a refusal (alerts.db locked past its busy timeout) only ticks try again: a burst of bus events
  // must not each wait out the busy timeout on the main thread
  let refused = false
  const planChanges = () => {
    if (stopped) return
    const r = changes.slice()
    refused = r === 'refused'
    if (r !== 'more') return
    continuing ??= setImmediate(() => {
      continuing = undefined
      planChanges()
    })
  }
  // Never throws into the engine's emit: a refusal is logged and the change stays after the cursor. A
  // repeat (the frequent change: a count bump per repeating reading) only refreshes the text of the next
  // page, so it waits for the next tick or change instead of a write transaction of its own.
  const listener = (change: AlertChange) => {
    if (!refused && !QUIET_KINDS.has(change.transition.kind)) planChanges()
  }
  deps.bus.on('change', listener)

  let lastPrune = 0
  let timer: NodeJS.Timeout | undefined

  /** Plans, then starts the channels with something due; resolves when the channels it started are done. */
  const tick = async (now = deps.now()): Promise<void> => {
    planChanges()
    deliveries.transaction(() => {
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
      stopped = true
      deps.bus.off('change', listener)
      clearImmediate(continuing)
      clearInterval(timer)
      timer = undefined
      await worker.stop()
      await guarded?.close()
    },
  }
}
