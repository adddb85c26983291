// A page waiting in the outbox (for a receiver that is down, a retry, its group window) is judged again
// when it is due: an alert acknowledged since gets no raise, repeat or escalation (its clear still goes),
// and an alert silenced since gets nothing while the silence lasts. What was dropped shows in the alert's
// delivery log and in the metrics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../domain/alerts.ts'
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

const acknowledged = (alert: Alert, at: number): Alert => ({
  ...alert,
  state: 'acknowledged',
  acknowledgedAt: at,
  acknowledgedBy: 'user:crew',
})

describe('pages queued before an acknowledgement or a silence', () => {
  let h: NotifyHarness
  // the crew's channel and the escalation channel, both down at first (their ports refuse connections)
  let ports: [number, number]
  let back: Receiver[]
  beforeEach(async () => {
    h = startNotifyHarness()
    const first = [await startReceiver(), await startReceiver()]
    ports = [first[0]!.port, first[1]!.port]
    for (const rx of first) await rx.close()
    back = []
  })
  afterEach(async () => {
    await h.close()
    for (const rx of back) await rx.close()
  })
  const url = (port: number) => `http://127.0.0.1:${port}/hook`
  const receiversBack = async () => {
    back = [await startReceiver(ports[0]), await startReceiver(ports[1])]
    return back as [Receiver, Receiver]
  }
  const log = (alertId: string) => createDeliveryStore(h.db).forAlert(alertId)

  it('sends no raise, repeat or escalation of an alert acknowledged while they wait for the receiver, and logs them dropped', async () => {
    h.route({
      channelIds: [h.webhook(url(ports[0]))],
      escalateAfterMin: 5,
      escalateTo: [h.webhook(url(ports[1]))],
    })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    // the raise fails from 30 s on; at 5 min a repeat and the escalation are queued and fail too
    await h.tickEvery(T0, T0 + 6 * MIN)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBeGreaterThanOrEqual(3)
    // (the escalation and the repeat are made in the same tick: in no particular order)
    const states = () => log(alert.id).sent.map((e) => `${e.reason}:${e.state}`)
    expect(states().sort()).toEqual(['escalation:pending', 'raised:pending', 'repeat:pending'])

    h.emit(change(acknowledged(alert, T0 + 7 * MIN), 'acknowledged', T0 + 7 * MIN))
    const [crew, escalation] = await receiversBack()
    await h.tickEvery(T0 + 8 * MIN, T0 + 40 * MIN)

    expect(crew.received).toEqual([])
    expect(escalation.received).toEqual([])
    expect(states().sort()).toEqual(['escalation:dropped', 'raised:dropped', 'repeat:dropped'])
    const sent = log(alert.id).sent
    for (const e of sent) {
      expect(e.dropped).toEqual({ at: expect.any(Number), cause: 'acknowledged', by: 'user:crew' })
      expect(e.dropped!.at).toBeGreaterThanOrEqual(T0 + 8 * MIN)
    }
    // the raise and the escalation had failed (the repeat waited behind the raise)
    expect(
      sent
        .filter((e) => e.attempts > 0)
        .map((e) => e.reason)
        .sort(),
    ).toEqual(['escalation', 'raised'])
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dropped' })).toBe(3)
    expect(await h.metric('courtyard_notifications_suppressed_total', { cause: 'acknowledged' })).toBe(3)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(0)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
  })

  it('sends no clear of an alert whose raise was dropped while it waited: the crew was never paged about it', async () => {
    h.route({ channelIds: [h.webhook(url(ports[0]))], repeatEveryMin: { critical: null } })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 2 * MIN)
    const acked = acknowledged(alert, T0 + 2 * MIN)
    h.emit(change(acked, 'acknowledged', T0 + 2 * MIN))
    h.emit(change({ ...acked, state: 'cleared', clearedAt: T0 + 3 * MIN }, 'cleared', T0 + 3 * MIN))
    // the clear is queued at 3 min 30 s, behind the raise, and fails too
    await h.tickEvery(T0 + 2 * MIN + 30 * SEC, T0 + 4 * MIN)
    const [crew] = await receiversBack()
    await h.tickEvery(T0 + 4 * MIN + 30 * SEC, T0 + 20 * MIN)

    expect(crew.received).toEqual([])
    const sent = log(alert.id).sent
    expect(sent.map((e) => `${e.reason}:${e.state}`)).toEqual(['raised:dropped', 'cleared:dropped'])
    expect(sent[0]!.dropped).toMatchObject({ cause: 'acknowledged', by: 'user:crew' })
    expect(sent[1]!.dropped).toEqual({ at: expect.any(Number), cause: 'never_paged' })
    expect(await h.metric('courtyard_notifications_suppressed_total', { cause: 'never_paged' })).toBe(1)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dropped' })).toBe(2)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
  })

  it('sends the clear of an alert whose raise was dropped when a rise in its severity reached the crew', async () => {
    h.route({ channelIds: [h.webhook(url(ports[0]))], repeatEveryMin: { major: null, critical: null } })
    const alert = makeAlert({ severity: 'major' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 2 * MIN)
    const acked = acknowledged(alert, T0 + 2 * MIN)
    h.emit(change(acked, 'acknowledged', T0 + 2 * MIN))
    const [crew] = await receiversBack()
    // the raise is dropped; the rise in severity is paged (for an acknowledged alert too) and goes
    const worse = { ...acked, severity: 'critical' as const }
    h.emit(change(worse, 'severity_changed', T0 + 3 * MIN))
    await h.tickEvery(T0 + 3 * MIN, T0 + 10 * MIN)
    h.emit(change({ ...worse, state: 'cleared', clearedAt: T0 + 11 * MIN }, 'cleared', T0 + 11 * MIN))
    await h.tickEvery(T0 + 11 * MIN, T0 + 13 * MIN)

    expect(crew.received.map((r) => r.body.reason)).toEqual(['severity_changed', 'cleared'])
    expect(log(alert.id).sent.map((e) => `${e.reason}:${e.state}`)).toEqual([
      'raised:dropped',
      'severity_changed:delivered',
      'cleared:delivered',
    ])
  })

  it('sends the clear of an alert raised and cleared within one group window, in the one page with its raise', async () => {
    h.route({ channelIds: [h.webhook(url(ports[0]))], repeatEveryMin: { critical: null } })
    const [crew] = await receiversBack()
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    h.emit(change({ ...alert, state: 'cleared', clearedAt: T0 + 10 * SEC }, 'cleared', T0 + 10 * SEC))
    await h.tickEvery(T0, T0 + 2 * MIN)

    expect(crew.received).toHaveLength(1)
    const items = crew.received[0]!.body.items as { reason: string }[]
    expect(items.map((i) => i.reason)).toEqual(['raised', 'cleared'])
  })

  it('clears on a grouped page only the alerts whose raise reached the crew', async () => {
    h.route({ channelIds: [h.webhook(url(ports[0]))], repeatEveryMin: { critical: null } })
    const acked = makeAlert({ type: 'smoke' })
    const other = makeAlert({ type: 'port_overheat', port: 2, raisedAt: T0 + 5 * SEC })
    h.emit(change(acked, 'raised', T0))
    h.emit(change(other, 'raised', T0 + 5 * SEC))
    await h.tickEvery(T0, T0 + MIN)
    const ackedNow = acknowledged(acked, T0 + 2 * MIN)
    h.emit(change(ackedNow, 'acknowledged', T0 + 2 * MIN))
    const [crew] = await receiversBack()
    // one page goes, with the other alert only
    await h.tickEvery(T0 + 2 * MIN, T0 + 10 * MIN)
    expect(crew.received).toHaveLength(1)

    const at = T0 + 11 * MIN
    h.emit(change({ ...ackedNow, state: 'cleared', clearedAt: at }, 'cleared', at))
    h.emit(change({ ...other, state: 'cleared', clearedAt: at }, 'cleared', at))
    await h.tickEvery(at, at + 2 * MIN)

    expect(crew.received).toHaveLength(2)
    const clears = crew.received[1]!.body.items as { reason: string; alert: { id: string } }[]
    expect(clears.map((i) => `${i.reason}:${i.alert.id}`)).toEqual([`cleared:${other.id}`])
    const [, clearOfAcked] = log(acked.id).sent
    expect(clearOfAcked).toMatchObject({
      reason: 'cleared',
      state: 'delivered',
      id: crew.received[1]!.body.id,
      dropped: { cause: 'never_paged' },
    })
  })

  it('sends nothing about an alert silenced while its pages wait, logs them dropped by the silence, and pages again once it ends', async () => {
    h.route({ channelIds: [h.webhook(url(ports[0]))] })
    const alert = makeAlert({ severity: 'critical' })
    h.emit(change(alert, 'raised', T0))
    await h.tickEvery(T0, T0 + 6 * MIN)
    const silence = h.config.createSilence({
      tenantId: 'acme',
      matchers: { deviceId: alert.deviceId },
      from: T0 + 7 * MIN,
      to: T0 + 30 * MIN,
      comment: 'detector being replaced',
      createdBy: 'user:crew',
    })
    const [crew] = await receiversBack()
    await h.tickEvery(T0 + 7 * MIN, T0 + 29 * MIN + 30 * SEC)

    expect(crew.received).toEqual([])
    const during = log(alert.id)
    expect(during.sent.map((e) => `${e.reason}:${e.state}`)).toEqual(['raised:dropped', 'repeat:dropped'])
    for (const e of during.sent) expect(e.dropped).toMatchObject({ cause: 'silence', silenceId: silence.id })
    // the repeats planned while it lasted were held back by the planner, as before
    expect(during.suppressed.map((s) => `${s.reason}:${s.cause}`)).toContain('repeat:silence')
    expect(await h.metric('courtyard_notifications_suppressed_total', { cause: 'silence' })).toBeGreaterThan(
      2,
    )

    // still active and unacknowledged when the silence ends: its next repeat goes
    await h.tickEvery(T0 + 30 * MIN, T0 + 31 * MIN)
    expect(crew.received.map((r) => r.body.reason)).toEqual(['repeat'])
  })

  it('takes only the acknowledged alert off a grouped page: the others in it still go', async () => {
    h.route({ channelIds: [h.webhook(url(ports[0]))], repeatEveryMin: { critical: null } })
    const acked = makeAlert({ type: 'smoke' })
    const other = makeAlert({ type: 'port_overheat', port: 2, raisedAt: T0 + 5 * SEC })
    h.emit(change(acked, 'raised', T0))
    h.emit(change(other, 'raised', T0 + 5 * SEC))
    await h.tickEvery(T0, T0 + MIN)
    h.emit(change(acknowledged(acked, T0 + 2 * MIN), 'acknowledged', T0 + 2 * MIN))
    const [crew] = await receiversBack()
    await h.tickEvery(T0 + 2 * MIN, T0 + 10 * MIN)

    expect(crew.received).toHaveLength(1)
    const page = crew.received[0]!.body
    expect(page.items.map((i: { alert: { id: string } }) => i.alert.id)).toEqual([other.id])
    // the same message (one delivery id) as the attempts before, without the acknowledged alert
    const [forOther] = log(other.id).sent
    expect(forOther).toMatchObject({ state: 'delivered', id: page.id })
    const [forAcked] = log(acked.id).sent
    expect(forAcked).toMatchObject({
      id: page.id,
      state: 'delivered',
      dropped: { cause: 'acknowledged', by: 'user:crew' },
    })
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dropped' })).toBe(0)
    expect(await h.metric('courtyard_notifications_suppressed_total', { cause: 'acknowledged' })).toBe(1)
  })
})
