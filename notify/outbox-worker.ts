// Delivers due outbox entries: one queue per channel (in order), channels in parallel. A channel that
// fails with a retryable error is left alone for the rest of the tick, so a dead receiver costs one
// timeout per tick, not one per queued message.
import type { Logger } from 'pino'
import type { NotifyConfigStore } from './config-store.ts'
import type { DeliveryStore, OutboxEntry } from './delivery-store.ts'
import type { NotifyMetrics } from './metrics.ts'
import { type RetryPolicy, retryDelayMs, shouldRetry } from './routing.ts'
import { type FetchLike, type MailTransport, type SendOutcome, sendEmail, sendWebhook } from './senders.ts'
import type { OutgoingMessage, SiteInfo } from './types.ts'

export interface OutboxWorkerDeps {
  config: NotifyConfigStore
  deliveries: DeliveryStore
  metrics: NotifyMetrics
  log: Logger
  getSite(siteId: string): SiteInfo | undefined
  fetch: FetchLike
  mail?: () => { transport: MailTransport; from: string }
  policy: RetryPolicy
  httpTimeoutMs: number
  /** channels delivered to at once */
  concurrency: number
  /** entries looked at per tick */
  batch: number
  random: () => number
}

export function createOutboxWorker(d: OutboxWorkerDeps) {
  async function attempt(e: OutboxEntry, now: number): Promise<SendOutcome> {
    const channel = d.config.getChannel(e.channelId)
    if (!channel) return { ok: false, retryable: false, error: 'channel deleted' }
    let site: SiteInfo | undefined
    try {
      site = d.getSite(e.siteId)
    } catch (err) {
      d.log.warn({ siteId: e.siteId, err: (err as Error).message }, 'site lookup failed')
    }
    const msg: OutgoingMessage = { id: e.id, tenantId: e.tenantId, siteId: e.siteId, site, items: e.items }
    if (channel.type === 'webhook')
      return sendWebhook({
        fetch: d.fetch,
        config: channel.config,
        secret: channel.secret,
        msg,
        sentAtMs: now,
        timeoutMs: d.httpTimeoutMs,
      })
    if (!d.mail) return { ok: false, retryable: true, error: 'no SMTP transport configured' }
    const { transport, from } = d.mail()
    return sendEmail({ transport, from, config: channel.config, msg })
  }

  /** Attempts one entry and records the outcome; true when the channel should be left alone this tick. */
  async function deliver(e: OutboxEntry, now: number): Promise<boolean> {
    if (e.attempts > 0) d.metrics.retries.inc({ channel_type: e.channelType })
    let outcome: SendOutcome
    try {
      outcome = await attempt(e, now)
    } catch (err) {
      outcome = { ok: false, retryable: true, error: (err as Error).message }
    }
    const attempts = e.attempts + 1
    if (outcome.ok) {
      d.deliveries.recordAttempt(e.id, { state: 'delivered', at: now, nextAttemptAt: now })
      d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'delivered' })
      d.log.debug({ id: e.id, channelId: e.channelId, attempts }, 'notification delivered')
      return false
    }
    if (shouldRetry({ attempts, createdAt: e.createdAt }, now, d.policy, outcome.retryable)) {
      const nextAttemptAt = now + retryDelayMs(attempts, d.policy, d.random())
      d.deliveries.recordAttempt(e.id, { state: 'pending', at: now, nextAttemptAt, error: outcome.error })
      d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'failed' })
      d.log.warn(
        { id: e.id, channelId: e.channelId, attempts, error: outcome.error, retryInMs: nextAttemptAt - now },
        'notification failed, will retry',
      )
      return true
    }
    d.deliveries.recordAttempt(e.id, { state: 'dead', at: now, nextAttemptAt: now, error: outcome.error })
    d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'dead' })
    d.log.error({ id: e.id, channelId: e.channelId, attempts, error: outcome.error }, 'notification given up')
    return outcome.retryable
  }

  return {
    async run(now: number): Promise<void> {
      const due = d.deliveries.dueOutbox(now, d.batch)
      const queues = new Map<string, OutboxEntry[]>()
      for (const e of due) {
        const q = queues.get(e.channelId)
        if (q) q.push(e)
        else queues.set(e.channelId, [e])
      }
      const pending = [...queues.values()]
      const worker = async () => {
        for (let q = pending.shift(); q; q = pending.shift()) {
          for (const e of q) if (await deliver(e, now)) break
        }
      }
      await Promise.all(Array.from({ length: Math.min(d.concurrency, pending.length) }, worker))
    },
  }
}
