// alerts.db locked by another connection past the busy timeout (the alert engine's writes under heavy
// load): the notification of an alert raised meanwhile is planned at the next tick, in order, not lost.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  change,
  eachWithReceiver,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  T0,
} from './notify-support.ts'

describe('notifications while alerts.db is locked', () => {
  let h: NotifyHarness
  let rx: Receiver
  eachWithReceiver((harness, receiver) => {
    h = harness
    rx = receiver
  })

  it('plans a change refused by a locked database at the next tick, and the changes after it in order', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    // wait 20 ms for a lock, not 5 s: the test holds it for as long as it likes
    h.db.pragma('busy_timeout = 20')
    // the engine committed both before the lock was taken; the notifier hears of them while it is held
    const alert = makeAlert({ severity: 'critical' })
    const cleared = { ...alert, state: 'cleared' as const, clearedAt: T0 + 2 * SEC }
    const changes = [change(alert, 'raised', T0), change(cleared, 'cleared', T0 + 2 * SEC)]
    for (const c of changes) h.commit(c)
    const other = new Database(join(h.dir, 'alerts.db'))
    other.exec('BEGIN IMMEDIATE')
    for (const c of changes) h.bus.emit('change', c)
    // still locked: the tick cannot plan either, and nothing is sent
    await h.tickAt(T0 + 30 * SEC).catch(() => undefined)
    expect(rx.received).toHaveLength(0)
    other.exec('COMMIT')
    other.close()
    for (let t = T0 + 60 * SEC; t <= T0 + 120 * SEC; t += 30 * SEC) await h.tickAt(t)
    // one grouped message (both within the site's group window), the raise first
    const items = rx.received.flatMap((r) => r.body.items as { reason: string }[])
    expect(items.map((i) => i.reason)).toEqual(['raised', 'cleared'])
  })
})
