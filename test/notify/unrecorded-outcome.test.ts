// A notification the receiver took, whose delivery alerts.db refused to record (locked past its busy
// timeout), is not sent again: robots and mail cannot tell a second copy from a second alert.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDeliveryStore } from '../../notify/delivery-store.ts'
import {
  change,
  MIN,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  startNotifyHarness,
  startReceiver,
  T0,
} from './notify-support.ts'

describe('a delivery whose outcome cannot be recorded', () => {
  let h: NotifyHarness
  let rx: Receiver
  let other: Database.Database | undefined
  beforeEach(async () => {
    h = startNotifyHarness()
    other = undefined
    // answers 200, but first takes alerts.db's write lock from a second connection, as a long engine
    // transaction would: the notifier's write of the delivery waits its busy timeout and fails
    rx = await startReceiver(0, {
      beforeAnswer: () => {
        if (other) return
        other = new Database(join(h.dir, 'alerts.db'), { timeout: 20 })
        other.exec('BEGIN IMMEDIATE')
      },
    })
  })
  afterEach(async () => {
    if (other?.inTransaction) other.exec('ROLLBACK')
    other?.close()
    await h.close()
    await rx.close()
  })

  it('is sent once: held until alerts.db takes the write, and nothing else goes out on its channel meanwhile', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    // two sites: two messages due on the one channel at the same tick
    const first = makeAlert({ severity: 'critical' })
    const second = makeAlert({ severity: 'critical', siteId: 'acme-shed-2' })
    h.emit(change(first, 'raised', T0))
    h.emit(change(second, 'raised', T0))
    h.db.pragma('busy_timeout = 20')
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received.map((r) => r.body.alert.id)).toEqual([first.id])
    const id = rx.received[0]!.body.id as string

    // still locked: the first is still `pending` and due in alerts.db; neither it nor the second is sent
    await h.tickAt(T0 + 60 * SEC)
    await h.tickAt(T0 + 90 * SEC)
    expect(rx.received.map((r) => r.body.id)).toEqual([id])

    other!.exec('COMMIT')
    for (let t = T0 + 2 * MIN; t <= T0 + 3 * MIN; t += 30 * SEC) await h.tickAt(t)
    // the held outcome is written first, then the channel goes on with the second
    expect(rx.received.map((r) => r.body.alert.id)).toEqual([first.id, second.id])
    expect(rx.received[1]!.body.id).not.toBe(id)
    const stored = createDeliveryStore(h.db).getOutbox(id)
    expect(stored).toMatchObject({ state: 'delivered', attempts: 1, deliveredAt: T0 + 30 * SEC })
  })
})
