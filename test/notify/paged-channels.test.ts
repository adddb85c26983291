// A clear goes only to a channel that paged its crew about the alert (notify_heard), and that record
// outlives the delivery log's retention while the alert is open: an alert acknowledged for weeks still
// gets its clear. An alerts.db from before that record learns it from its delivery history, and an alert
// still open whose first pages were pruned counts as paged on its route's channels: the upgrade withholds
// no clear that went before it.
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../domain/alerts.ts'
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

const DAY = 24 * 60 * MIN

describe('the record of what each channel paged about', () => {
  let h: NotifyHarness
  let rx: Receiver
  eachWithReceiver((harness, receiver) => {
    h = harness
    rx = receiver
  })

  it('sends the clear of an alert acknowledged weeks ago, its raise long pruned from the delivery log', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const alert = makeAlert()
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    const acked: Alert = {
      ...alert,
      state: 'acknowledged',
      acknowledgedAt: T0 + MIN,
      acknowledgedBy: 'user:crew',
    }
    h.emit(change(acked, 'acknowledged', T0 + MIN))
    // the delivery log keeps 30 days: the raise's page is pruned at this tick
    await h.tickAt(T0 + 40 * DAY)
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM notify_outbox').get()).toEqual({ n: 0 })

    const at = T0 + 40 * DAY + MIN
    h.emit(change({ ...acked, state: 'cleared', clearedAt: at }, 'cleared', at))
    for (let t = at; t <= at + 2 * MIN; t += 30 * SEC) await h.tickAt(t)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised', 'cleared'])
  })

  it('still sends the clears of alerts paged before it, also when their pages were pruned', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const kept = makeAlert()
    const pruned = makeAlert({ siteId: 'acme-shed-2', deviceId: 'pile-02' })
    h.emit(change(kept, 'raised', T0))
    h.emit(change(pruned, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received).toHaveLength(2)

    // the database as the version before left it, the second alert's pages past the retention
    h.db.exec(`DROP TABLE notify_heard; UPDATE part_migrations SET version = 6 WHERE part = 'notify'`)
    h.db.prepare('DELETE FROM notify_outbox_alerts WHERE alert_id = ?').run(pruned.id)
    h.restart()

    const at = T0 + 10 * MIN
    for (const a of [kept, pruned]) h.emit(change({ ...a, state: 'cleared', clearedAt: at }, 'cleared', at))
    for (let t = at; t <= at + 2 * MIN; t += 30 * SEC) await h.tickAt(t)

    const clears = rx.received.slice(2).map((r) => `${r.body.reason}:${r.body.alert.id}`)
    expect(clears.sort()).toEqual([`cleared:${kept.id}`, `cleared:${pruned.id}`].sort())
  })
})
