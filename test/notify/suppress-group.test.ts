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

describe('silences, maintenance and grouping', () => {
  let h: NotifyHarness
  let rx: Receiver
  let inMaintenance: { siteId: string; deviceId: string; at: number }[]
  beforeEach(async () => {
    inMaintenance = []
    h = startNotifyHarness({
      // the engine's maintenance windows, as the notifier sees them: a predicate on (site, device, time)
      isInMaintenance: (siteId, deviceId, at) => {
        inMaintenance.push({ siteId, deviceId, at })
        return siteId === 'acme-shed-2' && deviceId === 'disp-01' && at >= T0 && at < T0 + 60 * MIN
      },
    })
    rx = await startReceiver()
  })
  afterEach(async () => {
    await h.close()
    await rx.close()
  })

  it('a matching silence suppresses the notification and its repeats, and the suppression is logged', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    h.config.createSilence({
      tenantId: 'acme',
      matchers: { siteId: 'acme-shed', type: 'smoke' },
      from: T0 - MIN,
      to: T0 + 20 * MIN,
      comment: 'detector being replaced',
      createdBy: 'user:crew',
    })
    const silenced = makeAlert({ type: 'smoke' })
    const other = makeAlert({ type: 'leakage', siteId: 'acme-shed' })
    h.emit(change(silenced, 'raised', T0))
    h.emit(change(other, 'raised', T0))
    for (let t = T0; t <= T0 + 15 * MIN; t += 30 * SEC) await h.tickAt(t)
    const types = rx.received.flatMap((r) =>
      r.body.items.map((i: { alert: { type: string } }) => i.alert.type),
    )
    expect(types).toContain('leakage')
    expect(types).not.toContain('smoke')
    const log = createDeliveryStore(h.db).forAlert(silenced.id)
    expect(log.sent).toHaveLength(0)
    expect(log.suppressed.map((s) => `${s.reason}:${s.cause}`)).toEqual([
      'raised:silence',
      'raised:silence',
      'raised:silence',
      'raised:silence',
    ])
    expect(await h.metric('courtyard_notifications_suppressed_total', { cause: 'silence' })).toBe(4)
  })

  it('notifies a still-active alert at its next repeat once the silence has ended', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    h.config.createSilence({
      tenantId: 'acme',
      matchers: { deviceId: 'pile-01' },
      from: T0,
      to: T0 + 7 * MIN,
      comment: 'short',
      createdBy: 'user:crew',
    })
    h.emit(change(makeAlert({ severity: 'critical' }), 'raised', T0))
    for (let t = T0; t <= T0 + 10 * MIN; t += 30 * SEC) await h.tickAt(t)
    // suppressed at T0 and T0+5 min; at T0+10 min it goes out as a first notification
    expect(rx.received.map((r) => [r.body.reason, r.body.sentAt - T0])).toEqual([['raised', 10 * MIN]])
  })

  it('a maintenance window suppresses notifications of its site, judged at the time of the event', async () => {
    h.route({ channelIds: [h.webhook(rx.url)] })
    const inWindow = makeAlert({
      siteId: 'acme-shed-2',
      deviceId: 'disp-01',
      type: 'display_tamper',
      severity: 'major',
    })
    h.emit(change(inWindow, 'raised', T0 + 5 * MIN))
    await h.tickAt(T0 + MIN)
    expect(rx.received).toHaveLength(0)
    expect(inMaintenance[0]).toEqual({ siteId: 'acme-shed-2', deviceId: 'disp-01', at: T0 + 5 * MIN })
    expect(await h.metric('courtyard_notifications_suppressed_total', { cause: 'maintenance' })).toBe(1)

    const outside = makeAlert({
      siteId: 'acme-shed-2',
      deviceId: 'disp-01',
      type: 'display_tamper',
      severity: 'major',
    })
    h.emit(change(outside, 'raised', T0 + 61 * MIN))
    await h.tickAt(T0 + 2 * MIN)
    expect(rx.received).toHaveLength(1)
    expect(rx.received[0]!.body.alert.id).toBe(outside.id)
  })

  it('a burst of 5 alerts in 10 s from one site goes out as one grouped message per channel', async () => {
    const rx2 = await startReceiver()
    try {
      h.route({ channelIds: [h.webhook(rx.url), h.webhook(rx2.url, { format: 'wecom', secret: undefined })] })
      const burst = [0, 2, 5, 8, 10].map((s, i) =>
        makeAlert({
          type: i === 0 ? 'smoke' : 'port_overheat',
          port: i === 0 ? undefined : i,
          raisedAt: T0 + s * SEC,
        }),
      )
      for (const a of burst) {
        h.clock.t = a.raisedAt
        h.emit(change(a, 'raised', a.raisedAt))
        await h.notifier.tick(h.clock.t)
      }
      h.clock.t = T0 + 5 * SEC
      h.emit(change(makeAlert({ siteId: 'acme-shed-2' }), 'raised', T0 + 5 * SEC))
      await h.tickAt(T0 + 29 * SEC)
      expect(rx.received).toHaveLength(0)
      await h.tickAt(T0 + 30 * SEC)
      await h.tickAt(T0 + 35 * SEC)

      const shedA = rx.received.filter((r) => r.body.site.id === 'acme-shed')
      expect(shedA).toHaveLength(1)
      expect(rx.received.filter((r) => r.body.site.id === 'acme-shed-2')).toHaveLength(1)
      const group = shedA[0]!.body
      expect(group.items.map((i: { alert: { id: string } }) => i.alert.id)).toEqual(burst.map((a) => a.id))
      expect(group.alert).toBeUndefined()
      expect(group.title).toBe('[CRITICAL] 5 alert changes at Shed A (Garden Court)')
      // the robot channel gets the same group as one markdown message
      const robot = rx2.received.filter((r) => r.body.markdown.content.includes('Shed A'))
      expect(robot).toHaveLength(1)
      expect(robot[0]!.body.markdown.content.match(/^- /gm)).toHaveLength(5)
    } finally {
      await rx2.close()
    }
  })
})
