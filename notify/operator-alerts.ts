// Alerts to the people who run the service (not to a tenant's crews): a problem of the node itself, such
// as a spool consumer far behind or a full spool, fires once when it appears and resolves once when it is
// gone. Each change is logged (warn/info) and, when an operator webhook is configured, posted there in
// order, retried until delivered: the problems that make the broker stop acknowledging every device
// must reach a person before they do.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { Gauge, type Registry as MetricsRegistry } from 'prom-client'
import { renderTextWebhook } from './format.ts'
import { type FetchLike, postWebhook } from './senders.ts'
import type { WebhookFormat } from './types.ts'

/** One thing wrong with the node, in words an operator can act on; `key` names it across checks. */
export interface OperatorProblem {
  key: string
  summary: string
}

export interface OperatorWebhook {
  url: string
  format: WebhookFormat
  /** signs `json` bodies (`x-courtyard-signature`) and the robots that sign */
  secret?: string
}

export interface OperatorAlerts {
  /** The node's problems now: new ones fire, ones no longer listed resolve. */
  update(problems: readonly OperatorProblem[]): void
  /** keys firing now */
  firing(): string[]
  stop(): Promise<void>
}

interface Change {
  id: string
  state: 'firing' | 'resolved'
  key: string
  summary: string
  sinceMs: number
  atMs: number
}

/** Undelivered changes kept at most; beyond it the oldest are dropped (logged): the newest state matters. */
const MAX_QUEUED = 200

export function createOperatorAlerts(opts: {
  webhook?: OperatorWebhook
  fetch?: FetchLike
  /** names the node in messages (several nodes may share one webhook) */
  node: string
  log: Logger
  metrics?: MetricsRegistry
  now?: () => number
  /** wait between failed deliveries (default 30 s) */
  retryMs?: number
  /** one delivery attempt (default 10 s) */
  timeoutMs?: number
}): OperatorAlerts {
  const log = opts.log.child({ component: 'operator-alerts' })
  const now = opts.now ?? Date.now
  const firing = new Map<string, { summary: string; sinceMs: number }>()
  const queue: Change[] = []
  const stopping = new AbortController()
  let sending: Promise<void> | undefined

  if (opts.metrics) {
    opts.metrics.removeSingleMetric('courtyard_operator_alerts_firing')
    new Gauge({
      name: 'courtyard_operator_alerts_firing',
      help: 'problems of this node firing now (spool consumer far behind, spool full, a part not ready)',
      registers: [opts.metrics],
      collect() {
        this.set(firing.size)
      },
    })
  }

  const deliver = async (change: Change): Promise<boolean> => {
    const webhook = opts.webhook
    if (!webhook) return true
    const word = change.state === 'firing' ? 'FIRING' : 'RESOLVED'
    const sentAtMs = now()
    const req = renderTextWebhook(
      webhook.format,
      webhook.url,
      {
        title: `[Courtyard ${opts.node}] ${word}: ${change.key}`,
        lines: [change.summary, `since ${new Date(change.sinceMs).toISOString()}`],
        json: {
          kind: 'operator_alert',
          version: 1,
          // a receiver drops repeats by id and refuses stale replays by sentAt (both under the signature)
          id: change.id,
          sentAt: new Date(sentAtMs).toISOString(),
          state: change.state,
          key: change.key,
          summary: change.summary,
          node: opts.node,
          since: new Date(change.sinceMs).toISOString(),
          at: new Date(change.atMs).toISOString(),
        },
      },
      sentAtMs,
      webhook.secret,
    )
    const outcome = await postWebhook({
      fetch: opts.fetch ?? fetch,
      config: webhook,
      ...(webhook.secret === undefined ? {} : { secret: webhook.secret }),
      req,
      deliveryId: change.id,
      sentAtMs,
      timeoutMs: opts.timeoutMs ?? 10_000,
      signal: stopping.signal,
    })
    if (outcome.ok) {
      log.info({ key: change.key, state: change.state }, 'operator alert delivered')
      return true
    }
    // a wrong URL or key (not retryable) needs the operator's hand; keep trying, the change stays queued
    const level = outcome.retryable ? 'warn' : 'error'
    log[level](
      { key: change.key, state: change.state, error: outcome.error, retryable: outcome.retryable },
      'operator alert not delivered; trying again',
    )
    return false
  }

  // one delivery at a time, in order: a receiver must never see "resolved" before "firing"
  const drain = async () => {
    while (queue.length > 0 && !stopping.signal.aborted) {
      const change = queue[0]!
      if (await deliver(change)) {
        // by identity: an overflow meanwhile may have dropped it already
        const i = queue.indexOf(change)
        if (i >= 0) queue.splice(i, 1)
        continue
      }
      await sleep(opts.retryMs ?? 30_000, undefined, { signal: stopping.signal }).catch(() => undefined)
    }
  }
  const kick = () => {
    sending ??= drain().finally(() => {
      sending = undefined
      if (queue.length > 0 && !stopping.signal.aborted) kick()
    })
  }
  const enqueue = (change: Omit<Change, 'id'>) => {
    queue.push({ id: randomUUID(), ...change })
    if (queue.length > MAX_QUEUED) {
      // a key that fired and resolved while undelivered is news no more: drop both, oldest first (never the
      // one being sent, queue[0]); "resolved" never goes out without its "firing"
      let dropped = 0
      for (let i = 1; i < queue.length && queue.length > MAX_QUEUED; i++) {
        const fired = queue[i]!
        if (fired.state !== 'firing') continue
        const j = queue.findIndex((c, k) => k > i && c.key === fired.key && c.state === 'resolved')
        if (j < 0) continue
        queue.splice(j, 1)
        queue.splice(i, 1)
        dropped += 2
        i--
      }
      log.error(
        { dropped, queued: queue.length },
        'operator alerts undelivered for long: settled ones dropped',
      )
    }
    kick()
  }

  return {
    update(problems) {
      const atMs = now()
      const current = new Map(problems.map((p) => [p.key, p.summary]))
      for (const [key, summary] of current) {
        if (firing.has(key)) continue
        firing.set(key, { summary, sinceMs: atMs })
        log.warn({ key, summary }, 'operator alert firing')
        enqueue({ state: 'firing', key, summary, sinceMs: atMs, atMs })
      }
      for (const [key, was] of firing) {
        if (current.has(key)) continue
        firing.delete(key)
        log.info({ key, firedFor: atMs - was.sinceMs }, 'operator alert resolved')
        enqueue({ state: 'resolved', key, summary: was.summary, sinceMs: was.sinceMs, atMs })
      }
    },
    firing: () => [...firing.keys()],
    async stop() {
      stopping.abort()
      await sending
      if (queue.length > 0)
        log.warn(
          { undelivered: queue.map((c) => `${c.state} ${c.key}`) },
          'operator alerts not delivered before stopping',
        )
    },
  }
}
