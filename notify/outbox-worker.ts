// Delivers due outbox entries. Each channel is its own queue (one attempt in flight, entries in order: the
// oldest pending entry goes first, and while it waits for its retry the later ones wait behind it, so a
// crew never reads a clear before its raise) and each queue runs on its own: a dispatch starts the idle
// channels that have something due and never waits for a busy one, so a tenant's black-holed receiver
// holds only its own channels (at most `perTenant` of them at once) and never another tenant's page. A
// channel that fails with a retryable error is left alone until its next dispatch, so a dead receiver
// costs one timeout per round, not one per queued message. Two exceptions keep a page from waiting long
// behind another: a new page makes the entry it would wait behind due at once (delivery-store.ts
// addOutbox), and an entry failing for `policy.holdMs` no longer holds back the later ones: when it fails
// again the run goes on with them (it is retried until it is `maxAgeMs` old). Unless two such entries fail
// in a row: then the receiver is taken as down, and the channel's entries failing that long wait for its
// next round together instead of each being tried along with every later one (runChannel), so a receiver
// down for hours still costs a few attempts per round and per new page, not one per queued message.
// Whether a page still goes is judged when it is due, against its alerts and the silences as they are now
// (routing.ts dropCause): an alert acknowledged or silenced while its page waited (the group window, a
// retry, a channel held back) is taken off the page, which goes with the others or, with none left, is
// dropped; the alert's delivery log says so. So is the clear of an alert its channel never paged about
// (screen): its crew was never told of what it would say is over. A page alerts.db refuses to judge holds
// its channel for `policy.judgeForMs` at most, then goes as it was queued (sendUnjudged).
// An outcome alerts.db refused to record (locked past its busy timeout) is kept here, and its channel sends
// nothing until it is written: the entry is still `pending` and due in the database, and sending it again
// would page a crew twice through robots and mail that cannot tell.
import type { Logger } from 'pino'
import type { Alert } from '../domain/alerts.ts'
import type { NotifyConfigStore } from './config-store.ts'
import type { DeliveryStore, ItemDrop, OutboxEntry } from './delivery-store.ts'
import type { NotifyMetrics } from './metrics.ts'
import {
  type DropCause,
  dropCause,
  heldTooLong,
  type RetryPolicy,
  retryDelayMs,
  shouldRetry,
} from './routing.ts'
import { type FetchLike, type MailTransport, type SendOutcome, sendEmail, sendWebhook } from './senders.ts'
import type { NotifyItem, OutgoingMessage, SiteInfo } from './types.ts'

export interface OutboxWorkerDeps {
  config: NotifyConfigStore
  deliveries: DeliveryStore
  metrics: NotifyMetrics
  log: Logger
  getSite(siteId: string): SiteInfo | undefined
  /** the alert as stored now (alerts.db): a page about it is judged against it when due */
  alertNow(alertId: string): Alert | undefined
  fetch: FetchLike
  mail?: () => { transport: MailTransport; from: string }
  policy: RetryPolicy
  /** one attempt in all: connect, headers and body (webhooks), the SMTP exchange (email) */
  httpTimeoutMs: number
  /** bytes of a webhook's answer read at most */
  maxResponseBytes: number
  /** channels delivering at once, all tenants together */
  concurrency: number
  /** channels of one tenant delivering at once */
  perTenant: number
  /** entries a channel sends per dispatch */
  batch: number
  random: () => number
}

/** Channels in round-robin order over their tenants, each tenant's longest-waiting first. */
export function interleaveByTenant<C extends { tenantId: string }>(channels: readonly C[]): C[] {
  const byTenant = new Map<string, C[]>()
  for (const c of channels) {
    const list = byTenant.get(c.tenantId)
    if (list) list.push(c)
    else byTenant.set(c.tenantId, [c])
  }
  const lists = [...byTenant.values()]
  const out: C[] = []
  for (let i = 0; out.length < channels.length; i++) for (const l of lists) if (i < l.length) out.push(l[i]!)
  return out
}

type AttemptRecord = Parameters<OutboxWorkerDeps['deliveries']['recordAttempt']>[1]

/**
 * How an attempt leaves its channel's run: `delivered`; `refused`, a page past its hold failed again and
 * will be retried (the run may go on, see runChannel); `gone`, the page left the queue (dropped, or given
 * up for good) and the next one is the head; `stop`, leave the channel alone this tick (a page within its
 * hold failed, one ran out of time, an outcome could not be recorded, the worker stops).
 */
type Attempted =
  | { kind: 'delivered' }
  | { kind: 'refused'; nextAttemptAt: number }
  | { kind: 'gone' }
  | { kind: 'stop' }
const STOP: Attempted = { kind: 'stop' }

/** Pages past their hold refused in a row, in one run, after which the receiver is taken as down. */
const DOWN_AFTER = 2

export function createOutboxWorker(d: OutboxWorkerDeps) {
  const stopping = new AbortController()
  const busy = new Map<string, Promise<void>>()
  const perTenant = new Map<string, number>()
  /** by channel: at most one, since a channel stops at its first outcome that could not be written */
  const unrecorded = new Map<string, { id: string; record: AttemptRecord }>()
  /**
   * by channel: since when alerts.db has refused to judge its pages, and when it last did (sendUnjudged);
   * gone at a judgment
   */
  const unjudged = new Map<string, { since: number; last: number }>()

  /** Writes an attempt's outcome; false (kept to write later) when alerts.db refuses. */
  function record(e: OutboxEntry, r: AttemptRecord): boolean {
    try {
      d.deliveries.recordAttempt(e.id, r)
      return true
    } catch (err) {
      unrecorded.set(e.channelId, { id: e.id, record: r })
      d.log.warn(
        { id: e.id, channelId: e.channelId, state: r.state, err: (err as Error).message },
        'notification outcome not recorded: the channel waits until it is',
      )
      return false
    }
  }

  /** Writes the channel's outcome still in memory, if any; false while alerts.db still refuses it. */
  function recordHeld(channelId: string): boolean {
    const u = unrecorded.get(channelId)
    if (!u) return true
    try {
      d.deliveries.recordAttempt(u.id, u.record)
    } catch (err) {
      d.log.debug(
        { id: u.id, channelId, err: (err as Error).message },
        'notification outcome still not recorded',
      )
      return false
    }
    unrecorded.delete(channelId)
    d.log.info({ id: u.id, channelId, state: u.record.state }, 'notification outcome recorded late')
    return true
  }

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
        maxResponseBytes: d.maxResponseBytes,
        signal: stopping.signal,
      })
    if (!d.mail) return { ok: false, retryable: true, error: 'no SMTP transport configured' }
    const { transport, from } = d.mail()
    return sendEmail({ transport, from, config: channel.config, msg, timeoutMs: d.httpTimeoutMs })
  }

  /**
   * The entry's items judged now (routing.ts dropCause): those still to send, and those taken off it. A
   * clear goes only where the crew was paged about its alert: by this channel before (delivered), by this
   * very message (its raise or rise in severity going with it: a group), or by a page of this channel
   * still queued that would go now (it may overtake one failing for long). A raise dropped while the
   * receiver was down, and nothing else about the alert delivered, leaves the crew nothing to clear.
   */
  function screen(e: OutboxEntry, now: number): { keep: NotifyItem[]; drops: ItemDrop[] } {
    const silences = d.config.activeSilences(e.tenantId, now)
    const alerts = new Map<string, Alert>()
    const alertNow = (a: Alert) => {
      const known = alerts.get(a.id)
      if (known) return known
      const stored = d.alertNow(a.id) ?? a
      alerts.set(a.id, stored)
      return stored
    }
    const why = new Map<NotifyItem, DropCause | undefined>()
    // clears last: one goes along when the same message still carries a page about its alert
    for (const item of e.items)
      if (item.reason !== 'cleared')
        why.set(item, dropCause(item.reason, alertNow(item.alert), silences, now))
    const goesHere = (alert: Alert) =>
      e.items.some((i) => i.alert.id === alert.id && i.reason !== 'cleared' && why.get(i) === undefined)
    const pagedHere = (alert: Alert) => () => {
      if (goesHere(alert)) return true
      const { delivered, queued } = d.deliveries.pagedAbout(alert.id, e.channelId, e.id)
      return (
        delivered || queued.some((reason) => dropCause(reason, alertNow(alert), silences, now) === undefined)
      )
    }
    for (const item of e.items)
      if (item.reason === 'cleared')
        why.set(item, dropCause('cleared', alertNow(item.alert), silences, now, pagedHere(item.alert)))
    const keep: NotifyItem[] = []
    const drops: ItemDrop[] = []
    for (const item of e.items) {
      const cause = why.get(item)
      if (cause) drops.push({ alertId: item.alert.id, reason: item.reason, ...cause })
      else keep.push(item)
    }
    return { keep, drops }
  }

  /**
   * Takes the alerts acknowledged or silenced since the entry was made off it (and clears of alerts the
   * channel never paged about), recorded: the entry left to send, `dropped` when nothing of it goes,
   * `unjudged` when alerts.db refused (it stays as it was, due: the channel waits). Not for ever: a page
   * that could not be judged for `policy.judgeForMs` goes as it was queued (sendUnjudged).
   */
  function stillToSend(e: OutboxEntry, now: number): OutboxEntry | 'dropped' | 'unjudged' | 'passed' {
    let judged: ReturnType<typeof screen> | undefined
    try {
      judged = screen(e, now)
      if (judged.drops.length === 0) {
        unjudged.delete(e.channelId)
        return e
      }
      d.deliveries.dropItems(e.id, judged.drops, judged.keep, now)
      unjudged.delete(e.channelId)
    } catch (err) {
      return sendUnjudged(e, judged, err as Error, now)
    }
    for (const x of judged.drops) d.metrics.suppressed.inc({ cause: x.cause })
    const gone = judged.keep.length === 0
    if (gone) d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'dropped' })
    d.log.info(
      { id: e.id, channelId: e.channelId, dropped: judged.drops, left: judged.keep.length },
      gone ? 'queued notification dropped' : 'alerts taken off a queued notification',
    )
    return gone ? 'dropped' : { ...e, items: judged.keep }
  }

  /**
   * A page alerts.db refused to judge (reading its alerts or the silences) or to record the judgment of:
   * it waits, its channel behind it, until `policy.judgeForMs` after the channel's first refusal since its
   * last judgment (refusals that far apart are not one spell: a page sent unjudged that failed is tried
   * again minutes later, say). Past that its pages go as they were queued, counted and logged as sent
   * unjudged, until one can be judged again: a page about a fire must not be lost, nor hold every later
   * page of its channel, because a local read fails; the worst it does is page a crew about an alert
   * acknowledged or silenced meanwhile (or clear one they were not paged about). When only the record of
   * the judgment failed, what is known goes: the alerts still to send, or, with none, nothing (the page is
   * passed over in this run, judged again at the next, and its drop written once alerts.db takes it).
   */
  function sendUnjudged(
    e: OutboxEntry,
    judged: ReturnType<typeof screen> | undefined,
    err: Error,
    now: number,
  ): OutboxEntry | 'unjudged' | 'passed' {
    const spell = unjudged.get(e.channelId)
    const since = spell && now - spell.last < d.policy.judgeForMs ? spell.since : now
    unjudged.set(e.channelId, { since, last: now })
    const refusedFor = now - since
    if (refusedFor < d.policy.judgeForMs) {
      d.log.warn(
        { id: e.id, channelId: e.channelId, refusedForMs: refusedFor, err: err.message },
        judged
          ? 'notification judged, the judgment not recorded (alerts.db refused): the channel waits'
          : 'notification not judged (alerts.db refused): the channel waits',
      )
      return 'unjudged'
    }
    if (judged) {
      d.log.warn(
        {
          id: e.id,
          channelId: e.channelId,
          refusedForMs: refusedFor,
          left: judged.keep.length,
          err: err.message,
        },
        judged.keep.length > 0
          ? 'notification judgment not recorded (alerts.db refused): the alerts still to send go'
          : 'notification judgment not recorded (alerts.db refused): nothing to send, passed over',
      )
      return judged.keep.length > 0 ? { ...e, items: judged.keep } : 'passed'
    }
    d.metrics.unjudged.inc({ channel_type: e.channelType })
    d.log.error(
      { id: e.id, channelId: e.channelId, refusedForMs: refusedFor, err: err.message },
      'notification sent unjudged: alerts.db refused to judge it, it goes as it was queued',
    )
    return e
  }

  /** Attempts one entry and records the outcome: how the run goes on (see Attempted). */
  async function deliver(queued: OutboxEntry, now: number): Promise<Attempted> {
    const e = stillToSend(queued, now)
    if (e === 'dropped' || e === 'passed') return { kind: 'gone' }
    if (e === 'unjudged') return STOP
    if (e.attempts > 0) d.metrics.retries.inc({ channel_type: e.channelType })
    let outcome: SendOutcome
    try {
      outcome = await attempt(e, now)
    } catch (err) {
      outcome = { ok: false, retryable: true, error: (err as Error).message }
    }
    // cut short by stop(): not the receiver's fault, the entry stays due as it was
    if (stopping.signal.aborted && !outcome.ok) return STOP
    const attempts = e.attempts + 1
    if (outcome.ok) {
      const recorded = record(e, { state: 'delivered', at: now, nextAttemptAt: now })
      d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'delivered' })
      d.log.debug({ id: e.id, channelId: e.channelId, attempts }, 'notification delivered')
      return recorded ? { kind: 'delivered' } : STOP
    }
    if (shouldRetry(e, now, d.policy, outcome.retryable)) {
      const nextAttemptAt = now + retryDelayMs(attempts, d.policy, d.random())
      const recorded = record(e, { state: 'pending', at: now, nextAttemptAt, error: outcome.error })
      d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'failed' })
      d.log.warn(
        { id: e.id, channelId: e.channelId, attempts, error: outcome.error, retryInMs: nextAttemptAt - now },
        'notification failed, will retry',
      )
      // failing for holdMs: the receiver may refuse this page only; the later ones may go on (runChannel)
      return recorded && heldTooLong(e, now, d.policy) ? { kind: 'refused', nextAttemptAt } : STOP
    }
    const recorded = record(e, { state: 'dead', at: now, nextAttemptAt: now, error: outcome.error })
    d.metrics.notifications.inc({ channel_type: e.channelType, outcome: 'dead' })
    d.log.error(
      { id: e.id, channelId: e.channelId, attempts, ageMs: now - e.createdAt, error: outcome.error },
      'notification given up',
    )
    // the next entry is the channel's head now: tried at once after a permanent failure, at the next
    // dispatch after one that ran out of time (the receiver is likely still down)
    return outcome.retryable || !recorded ? STOP : { kind: 'gone' }
  }

  /** Marks entries the receiver refused while it accepted a later one: logged, never in the way. */
  function markRefusedAlone(refused: readonly OutboxEntry[], now: number): void {
    const ids = refused.filter((e) => e.refusedAloneAt === undefined).map((e) => e.id)
    if (ids.length === 0) return
    try {
      d.deliveries.markRefusedAlone(ids, now)
    } catch (err) {
      d.log.warn({ ids, err: (err as Error).message }, 'pages refused alone not marked (alerts.db refused)')
    }
  }

  /** The channel's pages past their hold wait for its next round; false when alerts.db refused. */
  function postpone(channelId: string, now: number, until: number): boolean {
    try {
      const n = d.deliveries.postponePastHold(channelId, now, until)
      d.log.info(
        { channelId, pages: n, nextRoundInMs: until - now },
        'receiver refused two pages in a row: taken as down, its older pages wait for the next round',
      )
      return true
    } catch (err) {
      d.log.warn({ channelId, err: (err as Error).message }, 'pages not postponed (alerts.db refused)')
      return false
    }
  }

  /**
   * One run of a channel: its due entries in order, each older pending one past its hold tried along right
   * before (delivery-store.ts dueForChannel). A page past its hold that fails does not stop the run: the
   * receiver may refuse that page only. But when `DOWN_AFTER` of them in a row fail (not counting pages
   * already known to be refused alone), the receiver is taken as down: the channel's pages past their
   * hold wait for its next round (the last one's retry) and the rest of the run tries only pages still
   * within their hold (a new page, a retry in its first minutes), which stop it at their first failure.
   * So a channel whose receiver is down costs a few attempts per round and per new page, not one for each
   * page it holds. Pages that failed before a later one was delivered in the same run are marked refused
   * alone: the receiver answers, so their failures say nothing about it being down. Before the channel is
   * taken as down, one more page past its hold is tried, the one attempted longest ago (probeBehind): two
   * pages the receiver refuses for themselves, not yet known as such, would otherwise hold every page past
   * its hold behind them until they are given up at `maxAgeMs`. A receiver that is down costs one attempt
   * more per round for it.
   */
  async function runChannel(channelId: string, now: number): Promise<void> {
    if (!recordHeld(channelId)) return
    // past their hold and refused in this run since its last delivery
    const refused: OutboxEntry[] = []
    let inARow = 0
    let down = false
    const entries = d.deliveries.dueForChannel(channelId, now, d.batch)
    const tried = new Set<string>()
    for (const [i, e] of entries.entries()) {
      if (stopping.signal.aborted) return
      if (tried.has(e.id) || (down && heldTooLong(e, now, d.policy))) continue
      tried.add(e.id)
      const r = await deliver(e, now)
      if (r.kind === 'stop') return
      if (r.kind === 'delivered') {
        markRefusedAlone(refused, now)
        refused.length = 0
        inARow = 0
        down = false
      } else if (r.kind === 'refused') {
        refused.push(e)
        if (e.refusedAloneAt !== undefined) continue
        inARow += 1
        if (inARow < DOWN_AFTER) continue
        // before taking the receiver as down, one more page past its hold: the one tried longest ago. If it
        // goes, the receiver answers and the failures were those pages' own; if not, the channel waits
        const probe = await probeBehind(entries.slice(i + 1), tried, now)
        if (probe.kind === 'stop') return
        if (probe.kind === 'delivered') {
          markRefusedAlone(refused, now)
          refused.length = 0
          inARow = 0
          continue
        }
        if (probe.kind === 'refused') refused.push(probe.entry)
        down = true
        const until = probe.kind === 'refused' ? probe.nextAttemptAt : r.nextAttemptAt
        if (!postpone(channelId, now, until)) return
      }
    }
  }

  type Probed =
    | Exclude<Attempted, { kind: 'refused' } | { kind: 'gone' }>
    | { kind: 'refused'; nextAttemptAt: number; entry: OutboxEntry }
    | { kind: 'none' }

  /**
   * Tries the page past its hold, among `rest` and not yet tried in this run nor known to be refused
   * alone, that was attempted longest ago (pages that left the queue meanwhile make way for the next).
   * Round after round this walks through a channel's long-failing pages instead of asking the same two
   * first ones each time: pages the receiver refuses for themselves cannot hold the others for a day.
   */
  async function probeBehind(rest: readonly OutboxEntry[], tried: Set<string>, now: number): Promise<Probed> {
    const candidates = rest
      .filter((x) => !tried.has(x.id) && x.refusedAloneAt === undefined && heldTooLong(x, now, d.policy))
      .sort((x, y) => (x.lastAttemptAt ?? 0) - (y.lastAttemptAt ?? 0))
    for (const x of candidates) {
      if (stopping.signal.aborted) return { kind: 'stop' }
      tried.add(x.id)
      const r = await deliver(x, now)
      if (r.kind === 'gone') continue
      if (r.kind === 'refused') return { ...r, entry: x }
      return r
    }
    return { kind: 'none' }
  }

  return {
    /**
     * Starts every idle channel with entries due (within the caps); resolves when the channels started
     * here are done. Channels still busy from an earlier dispatch are skipped, not waited for.
     */
    dispatch(now: number): Promise<void> {
      if (stopping.signal.aborted) return Promise.resolve()
      const started: Promise<void>[] = []
      for (const { channelId, tenantId } of interleaveByTenant(d.deliveries.dueChannels(now))) {
        if (busy.size >= d.concurrency) break
        const mine = perTenant.get(tenantId) ?? 0
        if (busy.has(channelId) || mine >= d.perTenant) continue
        perTenant.set(tenantId, mine + 1)
        const run = runChannel(channelId, now)
          .catch((err) => d.log.error({ channelId, err: (err as Error).message }, 'channel delivery failed'))
          .finally(() => {
            busy.delete(channelId)
            const n = (perTenant.get(tenantId) ?? 1) - 1
            if (n > 0) perTenant.set(tenantId, n)
            else perTenant.delete(tenantId)
          })
        busy.set(channelId, run)
        started.push(run)
      }
      return Promise.all(started).then(() => undefined)
    },
    /** Channels delivering right now. */
    inFlight: () => busy.size,
    /** Aborts the webhook attempts in flight (they stay due) and waits for every channel to finish. */
    async stop(): Promise<void> {
      stopping.abort()
      await Promise.all(busy.values())
      for (const [channelId, u] of unrecorded)
        if (!recordHeld(channelId))
          d.log.error(
            { id: u.id, channelId, state: u.record.state },
            'notification outcome lost at stop: a delivered one is sent again after the next start',
          )
    },
  }
}
