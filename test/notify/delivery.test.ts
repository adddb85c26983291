import { describe, expect, it } from 'vitest'
import {
  change,
  eachWithReceiver,
  hmacHex,
  MIN,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  startReceiver,
  T0,
} from './notify-support.ts'

describe('webhook delivery', () => {
  let h: NotifyHarness
  let rx: Receiver
  eachWithReceiver((harness, receiver) => {
    h = harness
    rx = receiver
  })

  it('delivers a JSON body signed with HMAC-SHA256 of the raw body once the group window has passed', async () => {
    const ch = h.webhook(`${rx.url}/hook`)
    h.route({ channelIds: [ch] })
    const alert = makeAlert({ port: 3, lastValue: true })
    h.emit(change(alert, 'raised', T0))

    await h.tickAt(T0 + 10 * SEC)
    expect(rx.received).toHaveLength(0)
    await h.tickAt(T0 + 30 * SEC)
    expect(rx.received).toHaveLength(1)

    const [req] = rx.received
    expect(req!.headers['x-courtyard-signature']).toBe(`sha256=${hmacHex('top-secret', req!.raw)}`)
    expect(req!.headers['x-courtyard-signature']).not.toBe(`sha256=${hmacHex('wrong', req!.raw)}`)
    expect(req!.headers['x-courtyard-timestamp']).toBe(String(T0 + 30 * SEC))
    expect(req!.body.sentAt).toBe(T0 + 30 * SEC)
    expect(req!.body.alert).toMatchObject({ id: alert.id, type: 'smoke', severity: 'critical', port: 3 })
    expect(req!.body.transition).toMatchObject({ kind: 'raised', at: T0 })
    expect(req!.body.items).toHaveLength(1)
    expect(req!.body.site).toEqual({ id: 'acme-shed', name: 'Shed A', community: 'Garden Court' })
    expect(req!.headers['x-courtyard-delivery']).toBe(req!.body.id)
    expect(
      await h.metric('courtyard_notifications_total', { channel_type: 'webhook', outcome: 'delivered' }),
    ).toBe(1)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
  })

  it('retries a refused connection on a later tick and delivers exactly once', async () => {
    const { port } = rx
    await rx.close()
    const ch = h.webhook(`http://127.0.0.1:${port}/hook`)
    h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
    h.emit(change(makeAlert(), 'raised', T0))

    await h.tickAt(T0 + 30 * SEC)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBe(1)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(1)

    rx = await startReceiver(port)
    // backoff: the retry is not due one second later
    await h.tickAt(T0 + 31 * SEC)
    expect(rx.received).toHaveLength(0)
    await h.tickAt(T0 + 60 * SEC)
    expect(rx.received).toHaveLength(1)
    await h.tickAt(T0 + 10 * MIN)
    expect(rx.received).toHaveLength(1)
    expect(await h.metric('courtyard_notification_retries_total', { channel_type: 'webhook' })).toBe(1)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(1)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
  })

  it('retries after a 503 with the same delivery id and stops once delivered', async () => {
    rx.answer(503, 503)
    const ch = h.webhook(`${rx.url}/hook`)
    h.route({ channelIds: [ch] })
    h.emit(change(makeAlert(), 'raised', T0))

    await h.tickAt(T0 + 30 * SEC)
    await h.tickAt(T0 + 60 * SEC)
    await h.tickAt(T0 + 5 * MIN)
    await h.tickAt(T0 + 6 * MIN)
    expect(rx.received.filter((r) => r.body.reason === 'raised')).toHaveLength(3)
    const ids = new Set(
      rx.received.filter((r) => r.body.reason === 'raised').map((r) => r.headers['x-courtyard-delivery']),
    )
    expect(ids.size).toBe(1)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBe(2)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBeGreaterThanOrEqual(
      1,
    )
  })

  it('delivers the pages of a channel in order: a clear waits for the raise still being retried', async () => {
    rx.answer(503, 503, 503, 503, 503)
    const ch = h.webhook(`${rx.url}/hook`)
    h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
    const alert = makeAlert()
    h.emit(change(alert, 'raised', T0))
    // the raise fails at 30, 38, 53 and 83 s; its next retry is due at 143 s
    for (let t = T0 + 30 * SEC; t <= T0 + 84 * SEC; t += SEC) await h.tickAt(t)
    h.emit(change({ ...alert, state: 'cleared', clearedAt: T0 + 85 * SEC }, 'cleared', T0 + 85 * SEC))
    // the clear is queued at 114 s and the raise is tried again at once, before it: it fails a 5th time,
    // and the clear waits for the raise's next retry, at 234 s
    for (let t = T0 + 85 * SEC; t <= T0 + 300 * SEC; t += SEC) await h.tickAt(t)
    expect(rx.received.map((r) => r.body.reason)).toEqual([
      'raised',
      'raised',
      'raised',
      'raised',
      'raised',
      'raised',
      'cleared',
    ])
    expect(rx.received.at(-3)!.body.sentAt).toBe(T0 + 114 * SEC)
    expect(rx.received.at(-2)!.body.sentAt).toBe(T0 + 234 * SEC)
    expect(rx.received.at(-1)!.body.sentAt).toBe(T0 + 234 * SEC)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
  })

  it('keeps retrying a receiver down for 2 hours and delivers its pages in order once it is back', async () => {
    const { port } = rx
    await rx.close()
    const ch = h.webhook(`http://127.0.0.1:${port}/hook`)
    h.route({ channelIds: [ch] })
    // a warning is paged once (no repeats): if its raise or clear is given up, the crew never hears of it
    const alert = makeAlert({ type: 'display_hardware', severity: 'warning' })
    h.emit(change(alert, 'raised', T0))
    for (let t = T0 + 30 * SEC; t < T0 + 60 * MIN; t += MIN) await h.tickAt(t)
    h.emit(change({ ...alert, state: 'cleared', clearedAt: T0 + 60 * MIN }, 'cleared', T0 + 60 * MIN))
    for (let t = T0 + 60 * MIN; t < T0 + 120 * MIN; t += MIN) await h.tickAt(t)
    // neither is given up; the raise was tried again and again (5–10 min apart once capped), the clear
    // waits behind it
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(0)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(2)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBeGreaterThan(15)

    const back = await startReceiver(port)
    try {
      for (let t = T0 + 120 * MIN; t <= T0 + 135 * MIN; t += MIN) await h.tickAt(t)
      expect(back.received.map((r) => r.body.reason)).toEqual(['raised', 'cleared'])
      expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(2)
      expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
    } finally {
      await back.close()
    }
  })

  it('gives up a page still failing at maxAgeMs, counts it dead, and the channel goes on with the next', async () => {
    h.restart({ retry: { maxAgeMs: 30 * MIN } })
    const { port } = rx
    await rx.close()
    const ch = h.webhook(`http://127.0.0.1:${port}/hook`)
    h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
    const first = makeAlert()
    h.emit(change(first, 'raised', T0))
    for (let t = T0 + 30 * SEC; t < T0 + 35 * MIN; t += 30 * SEC) await h.tickAt(t)
    // the first raise, queued at 30 s, has failed past 30 min of age: given up, no longer in the way
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(1)
    const second = makeAlert({ siteId: 'acme-shed-2' })
    h.emit(change(second, 'raised', T0 + 35 * MIN))

    const back = await startReceiver(port)
    try {
      for (let t = T0 + 35 * MIN; t <= T0 + 37 * MIN; t += 30 * SEC) await h.tickAt(t)
      expect(back.received.map((r) => r.body.alert.id)).toEqual([second.id])
      expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(1)
      expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
    } finally {
      await back.close()
    }
  })

  it('does not retry a 404, which a later attempt cannot fix', async () => {
    rx.answer(404)
    const ch = h.webhook(`${rx.url}/hook`)
    h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
    h.emit(change(makeAlert(), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    await h.tickAt(T0 + 30 * MIN)
    expect(rx.received).toHaveLength(1)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(1)
  })

  it('times out a receiver that never answers and keeps enqueueing new alerts meanwhile', async () => {
    h.restart({ httpTimeoutMs: 300 })
    rx.hangForever()
    const ch = h.webhook(`${rx.url}/hook`)
    h.route({ channelIds: [ch] })
    h.emit(change(makeAlert(), 'raised', T0))
    h.clock.t = T0 + 30 * SEC
    const ticking = h.notifier.tick(T0 + 30 * SEC)
    // the bus listener only writes to SQLite: emitting while a delivery hangs returns at once
    h.emit(change(makeAlert({ siteId: 'acme-shed-2' }), 'raised', T0 + 30 * SEC))
    await ticking
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBe(1)
    expect(await h.metric('courtyard_notification_outbox_depth')).toBe(1)
    const depth = h.db.prepare('SELECT COUNT(*) AS n FROM notify_pending').get() as { n: number }
    expect(depth.n).toBe(1)
  })
})
