// The notifier's working tables: per-(alert, route) tracking, the group buffer, the outbox, and which
// channels paged about which alert (a clear goes only there).
import { randomBytes } from 'node:crypto'
import type { AlertsDb } from '../alerts/index.ts'
import type { Alert } from '../domain/alerts.ts'
import { DEFAULT_RETRY_POLICY, type DropCause } from './routing.ts'
import type { ChannelType, DeliveryState, NotifyItem, NotifyReason } from './types.ts'

export interface Tracking {
  alertId: string
  routeId: string
  tenantId: string
  siteId: string
  alert: Alert
  state: Alert['state']
  notified: boolean
  nextRepeatAt?: number
  escalateAt?: number
  escalatedAt?: number
}

interface TrackingRow {
  alert_id: string
  route_id: string
  tenant_id: string
  site_id: string
  alert: string
  state: Alert['state']
  notified: number
  next_repeat_at: number | null
  escalate_at: number | null
  escalated_at: number | null
}

const toTracking = (r: TrackingRow): Tracking => ({
  alertId: r.alert_id,
  routeId: r.route_id,
  tenantId: r.tenant_id,
  siteId: r.site_id,
  alert: JSON.parse(r.alert),
  state: r.state,
  notified: r.notified === 1,
  nextRepeatAt: r.next_repeat_at ?? undefined,
  escalateAt: r.escalate_at ?? undefined,
  escalatedAt: r.escalated_at ?? undefined,
})

export interface OutboxEntry {
  id: string
  channelId: string
  channelType: ChannelType
  tenantId: string
  siteId: string
  items: NotifyItem[]
  state: DeliveryState
  attempts: number
  createdAt: number
  nextAttemptAt: number
  lastAttemptAt?: number
  /** when its first attempt failed: it holds back its channel for `holdMs` from then (routing.ts) */
  firstFailedAt?: number
  /** when the receiver refused it while accepting a later page (outbox-worker.ts runChannel) */
  refusedAloneAt?: number
  deliveredAt?: number
  lastError?: string
}

interface OutboxRow {
  id: string
  channel_id: string
  channel_type: ChannelType
  tenant_id: string
  site_id: string
  items: string
  state: DeliveryState
  attempts: number
  created_at: number
  next_attempt_at: number
  last_attempt_at: number | null
  first_failed_at: number | null
  refused_alone_at: number | null
  delivered_at: number | null
  last_error: string | null
}

const toEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  channelId: r.channel_id,
  channelType: r.channel_type,
  tenantId: r.tenant_id,
  siteId: r.site_id,
  items: JSON.parse(r.items),
  state: r.state,
  attempts: r.attempts,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at ?? undefined,
  firstFailedAt: r.first_failed_at ?? undefined,
  refusedAloneAt: r.refused_alone_at ?? undefined,
  deliveredAt: r.delivered_at ?? undefined,
  lastError: r.last_error ?? undefined,
})

export interface PendingItem {
  channelId: string
  tenantId: string
  siteId: string
  item: NotifyItem
}

/** An alert taken off a queued entry: acknowledged or silenced by the time the entry was due. */
export type ItemDrop = { alertId: string; reason: NotifyReason } & DropCause

/** One alert's line in the delivery log of its alert: the entry, and why it was dropped for this alert. */
export type SentForAlert = OutboxEntry & {
  reason: NotifyReason
  dropped?: { at: number } & DropCause
}

interface DroppedColumns {
  dropped_at: number | null
  dropped_cause: DropCause['cause'] | null
  dropped_by: string | null
  dropped_silence_id: string | null
}

const toDropped = (r: DroppedColumns): SentForAlert['dropped'] => {
  if (r.dropped_at === null || r.dropped_cause === null) return undefined
  switch (r.dropped_cause) {
    case 'silence':
      return { at: r.dropped_at, cause: 'silence', silenceId: r.dropped_silence_id ?? '' }
    case 'never_paged':
      return { at: r.dropped_at, cause: 'never_paged' }
    case 'acknowledged':
      return { at: r.dropped_at, cause: 'acknowledged', ...(r.dropped_by !== null && { by: r.dropped_by }) }
    default: {
      const never: never = r.dropped_cause
      throw new Error(`unknown drop cause ${String(never)}`)
    }
  }
}

export const newOutboxId = () => `ntf-${randomBytes(9).toString('base64url')}`

export function createDeliveryStore(db: AlertsDb, opts: { holdMs?: number } = {}) {
  const holdMs = opts.holdMs ?? DEFAULT_RETRY_POLICY.holdMs
  // An entry that is not due holds back every later entry of its channel, unless it has been failing for
  // holdMs (routing.ts heldTooLong); this SQL test and the one in dueForChannel must agree.
  const holds = (t: string) =>
    `+${t}next_attempt_at > @now AND (${t}first_failed_at IS NULL OR ${t}first_failed_at > @now - @holdMs)`
  const s = {
    getTracking: db.prepare('SELECT * FROM notify_tracking WHERE alert_id = ?'),
    insertTracking: db.prepare(
      `INSERT OR IGNORE INTO notify_tracking
         (alert_id, route_id, tenant_id, site_id, alert, state, notified, next_repeat_at, escalate_at)
       VALUES (@alertId, @routeId, @tenantId, @siteId, @alert, @state, @notified, @nextRepeatAt, @escalateAt)`,
    ),
    updateTracking: db.prepare(
      `UPDATE notify_tracking SET alert = @alert, state = @state, notified = @notified,
         next_repeat_at = @nextRepeatAt, escalate_at = @escalateAt, escalated_at = @escalatedAt
       WHERE alert_id = @alertId AND route_id = @routeId`,
    ),
    deleteTracking: db.prepare('DELETE FROM notify_tracking WHERE alert_id = ?'),
    deleteRouteTracking: db.prepare('DELETE FROM notify_tracking WHERE alert_id = ? AND route_id = ?'),
    refreshSnapshot: db.prepare('UPDATE notify_tracking SET alert = ?, state = ? WHERE alert_id = ?'),
    dueTracking: db.prepare(
      `SELECT * FROM notify_tracking WHERE state = 'active'
         AND (next_repeat_at <= @now OR (escalate_at <= @now AND escalated_at IS NULL))`,
    ),
    groupDue: db.prepare(
      'SELECT MIN(due_at) AS due FROM notify_pending WHERE channel_id = ? AND site_id = ?',
    ),
    insertPending: db.prepare(
      `INSERT INTO notify_pending (channel_id, tenant_id, site_id, alert_id, reason, item, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    dueGroups: db.prepare(
      `SELECT channel_id, site_id, tenant_id FROM notify_pending GROUP BY channel_id, site_id
       HAVING MIN(due_at) <= ?`,
    ),
    groupItems: db.prepare(
      'SELECT item FROM notify_pending WHERE channel_id = ? AND site_id = ? ORDER BY seq',
    ),
    deleteGroup: db.prepare('DELETE FROM notify_pending WHERE channel_id = ? AND site_id = ?'),
    insertOutbox: db.prepare(
      `INSERT INTO notify_outbox (id, channel_id, channel_type, tenant_id, site_id, items, state, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    ),
    insertOutboxAlert: db.prepare(
      'INSERT OR IGNORE INTO notify_outbox_alerts (outbox_id, alert_id, reason) VALUES (?, ?, ?)',
    ),
    // a channel is due when it has a due entry ahead of its first holding entry (the oldest pending one
    // not due and not failing for holdMs); both found along notify_outbox_head, in order (the unary + keeps
    // SQLite off notify_outbox_due, which made it scan every channel's entries for each channel: 4 s for
    // 45,000 pending entries on 180 channels, 15 ms this way)
    dueChannels: db.prepare(
      `WITH held AS MATERIALIZED (
         SELECT c.channel_id, (
           SELECT h.rowid FROM notify_outbox h
           WHERE h.state = 'pending' AND h.channel_id = c.channel_id AND ${holds('h.')}
           ORDER BY h.created_at, h.rowid LIMIT 1) AS held_row
         FROM (SELECT DISTINCT channel_id FROM notify_outbox WHERE state = 'pending') c),
       x AS MATERIALIZED (
         SELECT held.channel_id, b.created_at AS held_at, held.held_row
         FROM held LEFT JOIN notify_outbox b ON b.rowid = held.held_row)
       SELECT o.channel_id, o.tenant_id, o.next_attempt_at AS due
       FROM x JOIN notify_outbox o ON o.rowid = (
         SELECT e.rowid FROM notify_outbox e
         WHERE e.state = 'pending' AND e.channel_id = x.channel_id AND +e.next_attempt_at <= @now
           AND (x.held_at IS NULL OR e.created_at < x.held_at OR (e.created_at = x.held_at AND e.rowid < x.held_row))
         ORDER BY e.created_at, e.rowid LIMIT 1)
       ORDER BY due`,
    ),
    pendingForChannel: db.prepare(
      `SELECT * FROM notify_outbox WHERE state = 'pending' AND channel_id = ? ORDER BY created_at, rowid`,
    ),
    // a new page is a reason to try its channel again at once: the entries it would wait behind are due now
    wakeChannel: db.prepare(
      `UPDATE notify_outbox SET next_attempt_at = @now
       WHERE state = 'pending' AND channel_id = @channelId AND ${holds('')}`,
    ),
    // the channel's pages past their hold wait for its next round: its receiver looks down
    postponePastHold: db.prepare(
      `UPDATE notify_outbox SET next_attempt_at = @until
       WHERE state = 'pending' AND channel_id = @channelId AND first_failed_at <= @now - @holdMs`,
    ),
    markRefusedAlone: db.prepare(
      'UPDATE notify_outbox SET refused_alone_at = @at WHERE id = @id AND refused_alone_at IS NULL',
    ),
    getOutbox: db.prepare('SELECT * FROM notify_outbox WHERE id = ?'),
    attempted: db.prepare(
      `UPDATE notify_outbox SET state = @state, attempts = attempts + 1, last_attempt_at = @at,
         next_attempt_at = @nextAttemptAt, delivered_at = @deliveredAt, last_error = @error,
         first_failed_at = COALESCE(first_failed_at, CASE WHEN @state != 'delivered' THEN @at END)
       WHERE id = @id`,
    ),
    // the channel paged the crew about these alerts: a page delivered with them on it, clears aside
    heardOn: db.prepare(
      `INSERT INTO notify_heard (alert_id, channel_id, at)
         SELECT oa.alert_id, o.channel_id, @at FROM notify_outbox_alerts oa JOIN notify_outbox o ON o.id = oa.outbox_id
         WHERE oa.outbox_id = @id AND oa.dropped_at IS NULL AND oa.reason != 'cleared'
       ON CONFLICT (alert_id, channel_id) DO UPDATE SET at = MAX(at, excluded.at)`,
    ),
    heard: db.prepare('SELECT 1 FROM notify_heard WHERE alert_id = ? AND channel_id = ?'),
    queuedAbout: db.prepare(
      `SELECT oa.reason FROM notify_outbox_alerts oa JOIN notify_outbox o ON o.id = oa.outbox_id
       WHERE oa.alert_id = @alertId AND o.channel_id = @channelId AND o.state = 'pending' AND o.id != @except
         AND oa.dropped_at IS NULL AND oa.reason != 'cleared'`,
    ),
    depth: db.prepare(`SELECT COUNT(*) AS n FROM notify_outbox WHERE state = 'pending'`),
    pruneOutbox: db.prepare(`DELETE FROM notify_outbox WHERE state != 'pending' AND created_at < ?`),
    pruneOutboxAlerts: db.prepare(
      'DELETE FROM notify_outbox_alerts WHERE outbox_id NOT IN (SELECT id FROM notify_outbox)',
    ),
    pruneSuppressed: db.prepare('DELETE FROM notify_suppressed WHERE at < ?'),
    // kept while anything about the alert may still be paged: it is followed, or a page about it waits
    pruneHeard: db.prepare(
      `DELETE FROM notify_heard WHERE at < ?
         AND alert_id NOT IN (SELECT alert_id FROM notify_tracking)
         AND alert_id NOT IN (SELECT alert_id FROM notify_pending)
         AND alert_id NOT IN (SELECT oa.alert_id FROM notify_outbox_alerts oa
           JOIN notify_outbox o ON o.id = oa.outbox_id WHERE o.state = 'pending')`,
    ),
    insertSuppressed: db.prepare(
      `INSERT INTO notify_suppressed (alert_id, tenant_id, route_id, reason, cause, silence_id, at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    dropItem: db.prepare(
      `UPDATE notify_outbox_alerts SET dropped_at = @at, dropped_cause = @cause, dropped_by = @by,
         dropped_silence_id = @silenceId
       WHERE outbox_id = @id AND alert_id = @alertId AND reason = @reason`,
    ),
    setItems: db.prepare(`UPDATE notify_outbox SET items = ? WHERE id = ? AND state = 'pending'`),
    dropEntry: db.prepare(
      `UPDATE notify_outbox SET state = 'dropped', next_attempt_at = @at WHERE id = @id AND state = 'pending'`,
    ),
    forAlert: db.prepare(
      `SELECT o.*, oa.reason AS reason, oa.dropped_at, oa.dropped_cause, oa.dropped_by, oa.dropped_silence_id
       FROM notify_outbox_alerts oa JOIN notify_outbox o ON o.id = oa.outbox_id
       WHERE oa.alert_id = ? ORDER BY o.created_at, o.id`,
    ),
    suppressedForAlert: db.prepare('SELECT * FROM notify_suppressed WHERE alert_id = ? ORDER BY seq'),
  }

  const trackingParams = (t: Tracking) => ({
    alertId: t.alertId,
    routeId: t.routeId,
    tenantId: t.tenantId,
    siteId: t.siteId,
    alert: JSON.stringify(t.alert),
    state: t.state,
    notified: t.notified ? 1 : 0,
    nextRepeatAt: t.nextRepeatAt ?? null,
    escalateAt: t.escalateAt ?? null,
    escalatedAt: t.escalatedAt ?? null,
  })

  return {
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    tracking(alertId: string): Tracking[] {
      return (s.getTracking.all(alertId) as TrackingRow[]).map(toTracking)
    },
    /** False when the (alert, route) pair was tracked already: a raise seen twice notifies once. */
    insertTracking(t: Tracking): boolean {
      const { escalatedAt: _, ...p } = trackingParams(t)
      return s.insertTracking.run(p).changes > 0
    },
    updateTracking(t: Tracking): void {
      const { tenantId: _t, siteId: _s, ...p } = trackingParams(t)
      s.updateTracking.run(p)
    },
    /** The latest text of a tracked alert (count, last value) for the next repeat. */
    refreshSnapshot(alert: Alert): void {
      s.refreshSnapshot.run(JSON.stringify(alert), alert.state, alert.id)
    },
    deleteTracking(alertId: string): void {
      s.deleteTracking.run(alertId)
    },
    /** Stops one route following an alert (the route was deleted, switched off or narrowed). */
    deleteRouteTracking(alertId: string, routeId: string): void {
      s.deleteRouteTracking.run(alertId, routeId)
    },
    dueTracking(now: number): Tracking[] {
      return (s.dueTracking.all({ now }) as TrackingRow[]).map(toTracking)
    },
    /**
     * Adds an item to its (channel, site) group. A group's flush time is set by its first item
     * (`dueAt`); later items join it without postponing it.
     */
    enqueue(p: PendingItem, dueAt: number): void {
      const open = (s.groupDue.get(p.channelId, p.siteId) as { due: number | null }).due
      const due = open === null ? dueAt : Math.min(open, dueAt)
      s.insertPending.run(
        p.channelId,
        p.tenantId,
        p.siteId,
        p.item.alert.id,
        p.item.reason,
        JSON.stringify(p.item),
        due,
      )
    },
    /** Groups whose time has come, removed from the buffer: one message each. */
    takeDueGroups(
      now: number,
    ): { channelId: string; siteId: string; tenantId: string; items: NotifyItem[] }[] {
      const groups = s.dueGroups.all(now) as { channel_id: string; site_id: string; tenant_id: string }[]
      return groups.map((g) => {
        const items = (s.groupItems.all(g.channel_id, g.site_id) as { item: string }[]).map(
          (r) => JSON.parse(r.item) as NotifyItem,
        )
        s.deleteGroup.run(g.channel_id, g.site_id)
        return { channelId: g.channel_id, siteId: g.site_id, tenantId: g.tenant_id, items }
      })
    },
    addOutbox(
      e: Pick<OutboxEntry, 'channelId' | 'channelType' | 'tenantId' | 'siteId' | 'items'>,
      now: number,
    ): string {
      const id = newOutboxId()
      s.insertOutbox.run(
        id,
        e.channelId,
        e.channelType,
        e.tenantId,
        e.siteId,
        JSON.stringify(e.items),
        now,
        now,
      )
      for (const i of e.items) s.insertOutboxAlert.run(id, i.alert.id, i.reason)
      // behind a head waiting for its retry the new page would wait out the head's backoff (up to 10 min
      // after an outage): the channel is tried again now, its older pages first
      s.wakeChannel.run({ channelId: e.channelId, now, holdMs })
      return id
    },
    /** Channels with an entry due that nothing holds back (see dueForChannel), the longest-waiting first. */
    dueChannels(now: number): { channelId: string; tenantId: string }[] {
      return (s.dueChannels.all({ now, holdMs }) as { channel_id: string; tenant_id: string }[]).map((r) => ({
        channelId: r.channel_id,
        tenantId: r.tenant_id,
      }))
    },
    /**
     * What a channel sends now, in the order the entries were made. A crew reads raised before cleared, so
     * an entry waiting for its retry holds back every later one, until it has been failing for `holdMs`
     * (routing.ts heldTooLong): then the later ones go on their own schedule while it keeps being retried
     * on its own. Still, an entry goes out only right after every older pending one: those past holdMs
     * and not due yet are tried again with it, first. So the list is the channel's pending entries from
     * the oldest up to the first that holds, cut after its last due entry; at least `limit` long if that
     * many are due, longer only by the older ones tried along. (The worker stops trying them along once
     * two in a row failed: outbox-worker.ts runChannel, postponePastHold.)
     */
    dueForChannel(channelId: string, now: number, limit: number): OutboxEntry[] {
      const picked: OutboxRow[] = []
      let upTo = 0
      for (const r of s.pendingForChannel.iterate(channelId) as IterableIterator<OutboxRow>) {
        const due = r.next_attempt_at <= now
        if (!due && (r.first_failed_at === null || r.first_failed_at > now - holdMs)) break
        picked.push(r)
        if (due) upTo = picked.length
        if (upTo >= limit) break
      }
      return picked.slice(0, upTo).map(toEntry)
    },
    /**
     * The channel's receiver looks down (outbox-worker.ts runChannel): its pages failing for `holdMs` or
     * longer, which would each be retried on their own schedule and tried along before every later page,
     * wait for one next round, `until`, all together. Returns how many.
     */
    postponePastHold(channelId: string, now: number, until: number): number {
      return s.postponePastHold.run({ channelId, now, holdMs, until }).changes
    },
    /** The receiver refused these pages while accepting a later one: their failures are their own. */
    markRefusedAlone(ids: readonly string[], at: number): void {
      db.transaction(() => {
        for (const id of ids) s.markRefusedAlone.run({ id, at })
      })()
    },
    getOutbox(id: string): OutboxEntry | undefined {
      const r = s.getOutbox.get(id) as OutboxRow | undefined
      return r && toEntry(r)
    },
    /** The attempt's outcome; a delivery also records its channel as having paged about its alerts. */
    recordAttempt(
      id: string,
      r: { state: DeliveryState; at: number; nextAttemptAt: number; error?: string },
    ): void {
      db.transaction(() => {
        s.attempted.run({
          id,
          state: r.state,
          at: r.at,
          nextAttemptAt: r.nextAttemptAt,
          deliveredAt: r.state === 'delivered' ? r.at : null,
          error: r.error ?? null,
        })
        if (r.state === 'delivered') s.heardOn.run({ id, at: r.at })
      })()
    },
    /**
     * Whether the channel paged its crew about the alert, or may still (for a clear due on it, entry
     * `except`): a page delivered with the alert on it (clears aside), and the reasons of the channel's
     * other queued pages about it, which the caller judges.
     */
    pagedAbout(
      alertId: string,
      channelId: string,
      except: string,
    ): { delivered: boolean; queued: NotifyReason[] } {
      const delivered = s.heard.get(alertId, channelId) !== undefined
      if (delivered) return { delivered, queued: [] }
      const queued = (s.queuedAbout.all({ alertId, channelId, except }) as { reason: NotifyReason }[]).map(
        (r) => r.reason,
      )
      return { delivered, queued }
    },
    /**
     * Takes alerts off a queued entry (acknowledged or silenced by the time it was due; routing.ts
     * dropCause), in one transaction: each is marked dropped, with why, in the entry's alert log; the entry
     * keeps the items left to send, or is `dropped` itself when none is left (never sent, out of the queue).
     */
    dropItems(id: string, drops: readonly ItemDrop[], keep: readonly NotifyItem[], at: number): void {
      db.transaction(() => {
        for (const x of drops)
          s.dropItem.run({
            id,
            alertId: x.alertId,
            reason: x.reason,
            at,
            cause: x.cause,
            by: x.cause === 'acknowledged' ? (x.by ?? null) : null,
            silenceId: x.cause === 'silence' ? x.silenceId : null,
          })
        if (keep.length === 0) s.dropEntry.run({ id, at })
        else s.setItems.run(JSON.stringify(keep), id)
      })()
    },
    outboxDepth(): number {
      return (s.depth.get() as { n: number }).n
    },
    recordSuppressed(r: {
      alertId: string
      tenantId: string
      routeId: string
      reason: NotifyReason
      cause: 'silence' | 'maintenance'
      silenceId?: string
      at: number
    }): void {
      s.insertSuppressed.run(r.alertId, r.tenantId, r.routeId, r.reason, r.cause, r.silenceId ?? null, r.at)
    },
    /** Finished deliveries and suppression records older than `before` are dropped. */
    prune(before: number): void {
      db.transaction(() => {
        s.pruneOutbox.run(before)
        s.pruneOutboxAlerts.run()
        s.pruneSuppressed.run(before)
        s.pruneHeard.run(before)
      })()
    },
    /**
     * The delivery log of one alert: outbox entries that carried it (with why it was taken off one that
     * waited, if it was) and suppressed notifications.
     */
    forAlert(alertId: string) {
      const rows = s.forAlert.all(alertId) as (OutboxRow & DroppedColumns & { reason: NotifyReason })[]
      const sent = rows.map((r): SentForAlert => {
        const dropped = toDropped(r)
        return { ...toEntry(r), reason: r.reason, ...(dropped && { dropped }) }
      })
      const suppressed = s.suppressedForAlert.all(alertId) as {
        tenant_id: string
        route_id: string
        reason: NotifyReason
        cause: 'silence' | 'maintenance'
        silence_id: string | null
        at: number
      }[]
      return { sent, suppressed }
    },
  }
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>
