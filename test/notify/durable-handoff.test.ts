// The hand-off from the engine to the notifier survives a crash: a change the engine committed is planned
// once, whether the notifier heard of it, heard of it while alerts.db was locked and then died, or was not
// running at all; and never twice, whatever restarts follow.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
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

/** Every alert change the receiver was told of, as `alertId:reason`. */
const told = (rx: Receiver) =>
  rx.received.flatMap((r) =>
    (r.body.items as { reason: string; alert: { id: string } }[]).map((i) => `${i.alert.id}:${i.reason}`),
  )

describe('the hand-off from the alert engine to the notifier', () => {
  let h: NotifyHarness
  let rx: Receiver
  eachWithReceiver((harness, receiver) => {
    h = harness
    rx = receiver
  })

  it('delivers once a raise heard while alerts.db was locked, after the notifier crashed and started again', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    h.db.pragma('busy_timeout = 20')
    const alert = makeAlert({ severity: 'critical' })
    const raised = change(alert, 'raised', T0)
    // the engine committed it; the notifier hears of it while another connection holds the write lock
    h.commit(raised)
    const other = new Database(join(h.dir, 'alerts.db'))
    other.exec('BEGIN IMMEDIATE')
    h.bus.emit('change', raised)
    // the tick's own writes (pruning) are refused too
    await h.tickAt(T0 + SEC).catch(() => undefined)
    expect(rx.received).toHaveLength(0)
    // the process is killed with the change held back; the lock is gone by the time it starts again
    other.exec('COMMIT')
    other.close()
    h.restart({}, 'crash')
    await h.tickEvery(T0 + 2 * SEC, T0 + 2 * MIN)
    expect(told(rx)).toEqual([`${alert.id}:raised`])
  })

  it('delivers a change committed while no notifier ran once one starts', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const alert = makeAlert({ severity: 'critical', type: 'emergency_call' })
    h.restart({}, 'crash')
    // committed and announced to a notifier that is gone
    h.commit(change(alert, 'raised', T0))
    h.restart()
    await h.tickEvery(T0, T0 + 2 * MIN)
    expect(told(rx)).toEqual([`${alert.id}:raised`])
  })

  it('does not deliver again after a stop or a crash once a change is planned and delivered', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + MIN)
    expect(told(rx)).toEqual([`${alert.id}:raised`])
    h.restart()
    await h.tickEvery(T0 + 90 * SEC, T0 + 3 * MIN)
    h.restart({}, 'crash')
    await h.tickEvery(T0 + 3 * MIN + 30 * SEC, T0 + 5 * MIN)
    expect(told(rx)).toEqual([`${alert.id}:raised`])
  })

  it('plans what people did while no notifier ran: an acknowledgement stops repeats, a clear is told', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    const acked = makeAlert({ severity: 'critical' })
    const cleared = makeAlert({ severity: 'critical', siteId: 'acme-shed-2' })
    h.emit(change(acked, 'raised', T0))
    h.emit(change(cleared, 'raised', T0))
    await h.tickEvery(T0, T0 + MIN)
    expect(told(rx).sort()).toEqual([`${acked.id}:raised`, `${cleared.id}:raised`].sort())
    h.restart({}, 'crash')
    const at = T0 + 2 * MIN
    h.commit(
      change(
        { ...acked, state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: 'user:crew' },
        'acknowledged',
        at,
      ),
    )
    h.commit({
      ...change({ ...cleared, state: 'cleared', clearedAt: at, clearedBy: 'user:crew' }, 'cleared', at),
      transition: { alertId: cleared.id, kind: 'cleared', at, by: 'user:crew' },
    })
    h.restart()
    // critical alerts repeat every 5 min while active: neither may repeat now
    await h.tickEvery(T0 + 2 * MIN + 30 * SEC, T0 + 30 * MIN)
    expect(told(rx).sort()).toEqual(
      [`${acked.id}:raised`, `${cleared.id}:raised`, `${cleared.id}:cleared`].sort(),
    )
  })

  it('does not page for the history of a database the notifier first starts on, and pages what comes after', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    h.restart({}, 'crash')
    const old = makeAlert({ severity: 'critical' })
    h.commit(change(old, 'raised', T0 - 60 * MIN))
    // a database from before the notifier kept its place in the history
    h.db.exec('DELETE FROM notify_cursor')
    h.restart()
    await h.tickEvery(T0, T0 + MIN)
    expect(rx.received).toHaveLength(0)
    const fresh = makeAlert({ severity: 'critical', siteId: 'acme-shed-2' })
    h.emit(change(fresh, 'raised', T0 + MIN))
    await h.tickEvery(T0 + 90 * SEC, T0 + 3 * MIN)
    expect(told(rx)).toEqual([`${fresh.id}:raised`])
  })

  it('skips a change it cannot read and delivers the ones around it', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const before = makeAlert({ severity: 'critical' })
    const bad = makeAlert({ severity: 'critical', siteId: 'acme-shed-2' })
    const after = makeAlert({ severity: 'critical' })
    h.commit(change(before, 'raised', T0))
    h.commit(change(bad, 'raised', T0))
    // a value that is not JSON: whatever wrote it, it must not hold every later page back
    h.engine.db.prepare("UPDATE alert_transitions SET value = 'not json' WHERE alert_id = ?").run(bad.id)
    h.emit(change(after, 'raised', T0))
    await h.tickEvery(T0, T0 + MIN)
    expect(told(rx).sort()).toEqual([`${before.id}:raised`, `${after.id}:raised`].sort())
  })

  it('plans a backlog of 1,200 raises after an outage exactly once, over several pages', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    h.restart({}, 'crash')
    const sites = ['acme-shed', 'acme-shed-2']
    const alerts = Array.from({ length: 1200 }, (_, i) =>
      makeAlert({ severity: 'critical', siteId: sites[i % 2]!, raisedAt: T0 + i }),
    )
    h.engine.transaction(() => {
      for (const a of alerts) h.commit(change(a, 'raised', a.raisedAt))
    })
    h.restart()
    expect(await h.metric('courtyard_notification_changes_unplanned')).toBe(1200)
    await h.tickEvery(T0 + 2 * SEC, T0 + 2 * MIN)
    h.restart({}, 'crash')
    await h.tickEvery(T0 + 2 * MIN + 30 * SEC, T0 + 4 * MIN)
    const got = told(rx)
    expect(got).toHaveLength(1200)
    expect(new Set(got)).toEqual(new Set(alerts.map((a) => `${a.id}:raised`)))
    expect(await h.metric('courtyard_notification_changes_unplanned')).toBe(0)
  })
})
