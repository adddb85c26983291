import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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

describe('repeats, escalation and clears', () => {
  let h: NotifyHarness
  let rx: Receiver
  let rx2: Receiver
  beforeEach(async () => {
    h = startNotifyHarness()
    rx = await startReceiver()
    rx2 = await startReceiver()
  })
  afterEach(async () => {
    await h.close()
    await rx.close()
    await rx2.close()
  })

  it('repeats a critical alert every 5 minutes while unacknowledged and stops on acknowledgement', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 11 * MIN)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised', 'repeat', 'repeat'])
    // repeats are 5 min apart on the notifier's clock
    expect(rx.received.map((r) => r.body.sentAt - T0)).toEqual([30 * SEC, 5 * MIN, 10 * MIN])

    const acked = {
      ...alert,
      state: 'acknowledged' as const,
      acknowledgedAt: T0 + 11 * MIN,
      acknowledgedBy: 'crew',
    }
    h.emit(change(acked, 'acknowledged', T0 + 11 * MIN))
    await h.tickEvery(T0 + 11 * MIN, T0 + 40 * MIN)
    expect(rx.received).toHaveLength(3)
  })

  it('repeats a major alert every 30 minutes and a warning never, by default', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    h.emit(change(makeAlert({ type: 'port_overheat', severity: 'major', port: 2 }), 'raised', T0))
    h.emit(
      change(
        makeAlert({ type: 'display_hardware', severity: 'warning', siteId: 'acme-shed-2' }),
        'raised',
        T0,
      ),
    )
    await h.tickEvery(T0, T0 + 61 * MIN)
    const reasons = rx.received.map((r) => `${r.body.alert.type}:${r.body.reason}`).sort()
    expect(reasons).toEqual([
      'display_hardware:raised',
      'port_overheat:raised',
      'port_overheat:repeat',
      'port_overheat:repeat',
    ])
  })

  it('escalates to the second channel after N minutes without an acknowledgement', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], escalateAfterMin: 15, escalateTo: [h.webhook(rx2.url)] })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 14 * MIN + 30 * SEC)
    expect(rx2.received).toHaveLength(0)
    await h.tickAt(T0 + 15 * MIN)
    expect(rx2.received).toHaveLength(1)
    expect(rx2.received[0]!.body).toMatchObject({ reason: 'escalation', alert: { id: alert.id } })
    expect(rx2.received[0]!.body.title).toMatch(/ESCALATED/)
    // from then on repeats go to both
    await h.tickEvery(T0 + 15 * MIN + 30 * SEC, T0 + 20 * MIN)
    expect(rx2.received.map((r) => r.body.reason)).toEqual(['escalation', 'repeat'])
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised', 'repeat', 'repeat', 'repeat', 'repeat'])
  })

  it('does not escalate an alert acknowledged in time', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], escalateAfterMin: 15, escalateTo: [h.webhook(rx2.url)] })
    const alert = makeAlert({ severity: 'major' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 10 * MIN)
    h.emit(change({ ...alert, state: 'acknowledged' }, 'acknowledged', T0 + 10 * MIN))
    await h.tickEvery(T0 + 10 * MIN, T0 + 60 * MIN)
    expect(rx2.received).toHaveLength(0)
    expect(rx.received).toHaveLength(1)
  })

  it('notifies on clear to every channel that heard of the alert, and stops repeating', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], escalateAfterMin: 5, escalateTo: [h.webhook(rx2.url)] })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 6 * MIN)
    const cleared = { ...alert, state: 'cleared' as const, clearedAt: T0 + 6 * MIN }
    h.emit(change(cleared, 'cleared', T0 + 6 * MIN))
    await h.tickEvery(T0 + 6 * MIN + 30 * SEC, T0 + 30 * MIN)
    expect(rx.received.at(-1)!.body).toMatchObject({ reason: 'cleared', alert: { state: 'cleared' } })
    expect(rx.received.at(-1)!.body.title).toMatch(/^\[CLEARED\] smoke at Shed A/)
    expect(rx2.received.at(-1)!.body.reason).toBe('cleared')
    expect(rx.received.filter((r) => r.body.reason === 'repeat')).toHaveLength(1)
  })

  it('stays quiet on clear when the route says notifyOnClear: false', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], notifyOnClear: false })
    const alert = makeAlert({ severity: 'major' })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    h.emit(change({ ...alert, state: 'cleared' }, 'cleared', T0 + MIN))
    await h.tickEvery(T0 + MIN, T0 + 5 * MIN)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised'])
  })

  it('stops paging about an alert once its route is switched off: no repeat, escalation or clear', async () => {
    const route = h.route({
      channelIds: [h.webhook(rx.url)],
      escalateAfterMin: 10,
      escalateTo: [h.webhook(rx2.url)],
    })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised'])

    h.config.updateRoute({ ...route, enabled: false })
    await h.tickEvery(T0 + MIN, T0 + 31 * MIN)
    h.emit(change({ ...alert, state: 'cleared', clearedAt: T0 + 32 * MIN }, 'cleared', T0 + 32 * MIN))
    await h.tickEvery(T0 + 32 * MIN, T0 + 35 * MIN)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised'])
    expect(rx2.received).toHaveLength(0)
    expect(h.db.prepare('SELECT * FROM notify_tracking WHERE alert_id = ?').all(alert.id)).toEqual([])
  })

  it('stops paging about an alert once its route is narrowed away from it, while a route still matching goes on', async () => {
    const narrowed = h.route({ channelIds: [h.webhook(rx.url)] })
    h.route({ channelIds: [h.webhook(rx2.url)] })
    const alert = makeAlert({ severity: 'critical', siteId: 'acme-shed' })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)

    h.config.updateRoute({ ...narrowed, siteIds: ['acme-shed-2'] })
    await h.tickEvery(T0 + MIN, T0 + 11 * MIN)
    h.emit(change({ ...alert, state: 'cleared', clearedAt: T0 + 12 * MIN }, 'cleared', T0 + 12 * MIN))
    await h.tickEvery(T0 + 12 * MIN, T0 + 14 * MIN)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised'])
    expect(rx2.received.map((r) => r.body.reason)).toEqual(['raised', 'repeat', 'repeat', 'cleared'])
  })

  it('matches routes by site, minimum severity and type', async () => {
    h.route({
      channelIds: [h.webhook(rx.url)],
      siteIds: ['acme-shed'],
      minSeverity: 'major',
      types: ['smoke', 'leakage'],
    })
    h.emit(change(makeAlert({ type: 'smoke', siteId: 'acme-shed-2' }), 'raised', T0))
    h.emit(change(makeAlert({ type: 'display_hardware', severity: 'warning' }), 'raised', T0))
    h.emit(change(makeAlert({ type: 'port_fault', severity: 'critical' }), 'raised', T0))
    h.emit(change(makeAlert({ type: 'leakage', severity: 'critical' }), 'raised', T0))
    h.emit({ ...change(makeAlert({ type: 'smoke' }), 'raised', T0), tenantId: 'bravo' })
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0]!.body.alert.type).toBe('leakage')
  })

  it('notifies when severity rises into a route and at once when it rises on a tracked alert', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], minSeverity: 'major', repeatEveryMin: { major: null } })
    const alert = makeAlert({ type: 'port_overheat', severity: 'minor', port: 1 })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received).toHaveLength(0)
    h.emit(change({ ...alert, severity: 'major' }, 'severity_changed', T0 + MIN, { severity: 'major' }))
    await h.tickAt(T0 + 2 * MIN)
    h.emit(
      change({ ...alert, severity: 'critical' }, 'severity_changed', T0 + 3 * MIN, { severity: 'critical' }),
    )
    await h.tickAt(T0 + 4 * MIN)
    expect(rx.received.map((r) => `${r.body.reason}:${r.body.alert.severity}`)).toEqual([
      'severity_changed:major',
      'severity_changed:critical',
    ])
    // critical repeats every 5 min from the rise (T0 + 3 min)
    await h.tickEvery(T0 + 4 * MIN + 30 * SEC, T0 + 8 * MIN + 30 * SEC)
    expect(rx.received.at(-1)!.body.reason).toBe('repeat')
    expect(rx.received).toHaveLength(3)
  })

  it('notifies a raise once even when the engine replays it', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], repeatEveryMin: { critical: null } })
    const alert = makeAlert()
    h.emit(change(alert, 'raised', T0))
    h.emit(change(alert, 'raised', T0))
    h.emit(change({ ...alert, count: 2, lastValue: true }, 'repeated', T0 + 10 * SEC))
    await h.tickEvery(T0, T0 + 5 * MIN)
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0]!.body.items).toHaveLength(1)
  })

  it('keeps repeat and escalation timers across a restart of the notifier', async () => {
    h.route({ channelIds: [h.webhook(rx.url)], escalateAfterMin: 10, escalateTo: [h.webhook(rx2.url)] })
    h.emit(change(makeAlert(), 'raised', T0))
    await h.tickEvery(T0, T0 + 2 * MIN)
    h.restart()
    await h.tickEvery(T0 + 2 * MIN, T0 + 10 * MIN)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised', 'repeat', 'repeat'])
    expect(rx2.received.map((r) => r.body.reason)).toEqual(['escalation'])
  })

  it('asks the engine before repeating, so an acknowledgement the notifier missed stops repeats', async () => {
    const engine = new Map<string, ReturnType<typeof makeAlert>>()
    h.restart({ currentAlert: (id) => engine.get(id) })
    h.route({ channelIds: [h.webhook(rx.url)] })
    const alert = makeAlert({ severity: 'critical' })
    engine.set(alert.id, alert)
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 5 * MIN)
    expect(rx.received.map((r) => r.body.reason)).toEqual(['raised', 'repeat'])
    // acknowledged while the notifier was not listening: no bus event, only the engine knows
    engine.set(alert.id, { ...alert, state: 'acknowledged' })
    await h.tickEvery(T0 + 5 * MIN + 30 * SEC, T0 + 30 * MIN)
    expect(rx.received).toHaveLength(2)
    const rows = h.db.prepare('SELECT state FROM notify_tracking WHERE alert_id = ?').all(alert.id)
    expect(rows).toEqual([{ state: 'acknowledged' }])
  })

  it('repeats with the latest count and value the engine reported', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    const alert = makeAlert({ type: 'port_overheat', severity: 'critical', port: 2, lastValue: 76 })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    h.emit(change({ ...alert, count: 7, lastValue: 81.5 }, 'repeated', T0 + 2 * MIN))
    await h.tickEvery(T0 + MIN, T0 + 5 * MIN)
    expect(rx.received.map((r) => [r.body.reason, r.body.alert.count, r.body.alert.lastValue])).toEqual([
      ['raised', 1, 76],
      ['repeat', 7, 81.5],
    ])
  })
})
