// A queued page is judged when due against its alerts and the silences in alerts.db. When alerts.db
// refuses that judgment every time (here a real fault in the file: an alert row whose stored value cannot
// be read, or a trigger refusing the write of what was judged), the page and its channel wait for one
// minute at most: then the page goes as it was queued (counted and logged as sent unjudged), or, when only
// the record of the judgment was refused, with what was judged still to go; a fire's raise is never lost,
// nor does it hold its channel, because a local read fails.
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../domain/alerts.ts'
import { createDeliveryStore } from '../../notify/delivery-store.ts'
import {
  change,
  eachWithReceiver,
  MIN,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  T0,
} from './notify-support.ts'

describe('a queued page alerts.db refuses to judge', () => {
  let h: NotifyHarness
  let rx: Receiver
  eachWithReceiver((harness, receiver) => {
    h = harness
    rx = receiver
  })
  const ids = () =>
    rx.received.map((r) => (r.body.items as { alert: { id: string } }[]).map((i) => i.alert.id))

  it('holds its channel for a minute at most, then goes as it was queued, counted as sent unjudged', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const unreadable = makeAlert()
    const behind = makeAlert({ siteId: 'acme-shed-2', deviceId: 'pile-02' })
    h.emit(change(unreadable, 'raised', T0))
    h.emit(change(behind, 'raised', T0))
    // the alert's row as stored can no longer be read: every judgment of its page fails
    h.db.prepare(`UPDATE alerts SET last_value = '{"celsius":' WHERE id = ?`).run(unreadable.id)

    // both pages are made at 30 s, the unreadable alert's first; for a minute neither goes
    await h.tickEvery(T0 + 30 * SEC, T0 + 80 * SEC, 10 * SEC)
    expect(rx.received).toEqual([])
    expect(createDeliveryStore(h.db).forAlert(behind.id).sent).toMatchObject([{ state: 'pending' }])

    await h.tickAt(T0 + 90 * SEC)
    expect(ids()).toEqual([[unreadable.id], [behind.id]])
    expect(rx.received[0]!.body.items[0]).toMatchObject({ reason: 'raised', alert: { id: unreadable.id } })
    expect(await h.metric('courtyard_notifications_unjudged_total', { channel_type: 'webhook' })).toBe(1)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(2)
    expect(createDeliveryStore(h.db).forAlert(unreadable.id).sent).toMatchObject([{ state: 'delivered' }])
  })

  it('waits its minute again when alerts.db refuses a page long after an earlier spell of refusals', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const unreadable = (a: Alert) =>
      h.db.prepare(`UPDATE alerts SET last_value = '{"celsius":' WHERE id = ?`).run(a.id)
    const first = makeAlert()
    h.emit(change(first, 'raised', T0))
    unreadable(first)
    await h.tickEvery(T0 + 30 * SEC, T0 + 90 * SEC, 10 * SEC)
    expect(ids()).toEqual([[first.id]])

    const later = makeAlert({ type: 'port_overheat', port: 3, raisedAt: T0 + 10 * MIN })
    h.emit(change(later, 'raised', T0 + 10 * MIN))
    unreadable(later)
    await h.tickEvery(T0 + 10 * MIN + 30 * SEC, T0 + 11 * MIN + 20 * SEC, 10 * SEC)
    expect(ids()).toEqual([[first.id]])
    await h.tickAt(T0 + 11 * MIN + 30 * SEC)
    expect(ids()).toEqual([[first.id], [later.id]])
    expect(await h.metric('courtyard_notifications_unjudged_total', { channel_type: 'webhook' })).toBe(2)
  })

  it('sends what it judged still to go when only the record of the judgment is refused, and passes over a page with nothing left', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const acked = makeAlert()
    const other = makeAlert({ type: 'port_overheat', port: 2 })
    const alone = makeAlert({ siteId: 'acme-shed-2', deviceId: 'pile-02' })
    for (const a of [acked, other, alone]) h.emit(change(a, 'raised', T0))
    const ack = (a: Alert): Alert => ({
      ...a,
      state: 'acknowledged',
      acknowledgedAt: T0 + 10 * SEC,
      acknowledgedBy: 'user:crew',
    })
    for (const a of [acked, alone]) h.emit(change(ack(a), 'acknowledged', T0 + 10 * SEC))
    // alerts.db refuses to record an alert taken off a page
    h.db.exec(`CREATE TRIGGER refuse_drops BEFORE UPDATE OF dropped_at ON notify_outbox_alerts
               BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`)

    await h.tickEvery(T0 + 30 * SEC, T0 + 80 * SEC, 10 * SEC)
    expect(rx.received).toEqual([])
    await h.tickAt(T0 + 90 * SEC)
    // the first page without the acknowledged alert; the second had nothing left to send
    expect(ids()).toEqual([[other.id]])
    expect(await h.metric('courtyard_notifications_unjudged_total', { channel_type: 'webhook' })).toBe(0)

    // once alerts.db takes the write, the second page's drop is recorded
    h.db.exec('DROP TRIGGER refuse_drops')
    await h.tickAt(T0 + 100 * SEC)
    expect(createDeliveryStore(h.db).forAlert(alone.id).sent).toMatchObject([
      { state: 'dropped', dropped: { cause: 'acknowledged' } },
    ])
    expect(ids()).toEqual([[other.id]])
  })
})
