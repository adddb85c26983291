// A channel's pages go in order, but one page never holds the later ones back for long: a new page makes
// the channel try again at once, and a page failing for holdMs (10 min) lets the later ones go.
import { describe, expect, it } from 'vitest'
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

describe('a channel held back by one page', () => {
  let h: NotifyHarness | undefined
  let rx: Receiver | undefined
  const setUp = async (statusFor?: (body: { alert: { id: string } }) => number | undefined) => {
    h = startNotifyHarness()
    rx = await startReceiver(0, { statusFor: statusFor && ((r) => statusFor(r.body)) })
    return { h, rx }
  }
  const tearDown = async () => {
    await h?.close()
    await rx?.close()
    h = rx = undefined
  }

  it('sends the later pages once a page the receiver always refuses has failed for 10 min, and keeps retrying it', async () => {
    const poison = makeAlert()
    const { h, rx } = await setUp((b) => (b.alert.id === poison.id ? 500 : undefined))
    try {
      const ch = h.webhook(`${rx.url}/hook`)
      h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
      h.emit(change(poison, 'raised', T0))
      // the poisoned raise first fails at 30 s; a new critical raise on another site is queued at 2 min 30 s
      const later = makeAlert({ siteId: 'acme-shed-2', raisedAt: T0 + 2 * MIN })
      for (let t = T0 + 30 * SEC; t < T0 + 2 * MIN; t += 10 * SEC) await h.tickAt(t)
      h.emit(change(later, 'raised', T0 + 2 * MIN))
      for (let t = T0 + 2 * MIN; t < T0 + 10 * MIN + 30 * SEC; t += 10 * SEC) await h.tickAt(t)
      // within the hold the order holds: the later page waits (the poisoned one was tried again when it
      // was queued, and failed)
      expect(rx.received.filter((r) => r.body.alert.id === later.id)).toHaveLength(0)

      for (let t = T0 + 10 * MIN + 30 * SEC; t <= T0 + 40 * MIN; t += 10 * SEC) await h.tickAt(t)
      const laterReq = rx.received.filter((r) => r.body.alert.id === later.id)
      expect(laterReq).toHaveLength(1)
      // 10 min after the first failure, and right after one more try of the page it was waiting behind
      expect(laterReq[0]!.body.sentAt).toBe(T0 + 10 * MIN + 30 * SEC)
      const i = rx.received.indexOf(laterReq[0]!)
      expect(rx.received[i - 1]!.body.alert.id).toBe(poison.id)

      // the poisoned page is still retried, on its own (5–10 min apart), and not given up
      const poisoned = rx.received.filter((r) => r.body.alert.id === poison.id)
      expect(poisoned.filter((r) => r.body.sentAt > T0 + 11 * MIN).length).toBeGreaterThanOrEqual(3)
      expect(new Set(poisoned.map((r) => r.headers['x-courtyard-delivery'])).size).toBe(1)
      expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(0)
      expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(1)
      expect(await h.metric('courtyard_notification_outbox_depth')).toBe(1)
    } finally {
      await tearDown()
    }
  })

  it('sends a new page at once when the receiver is back, after the raise still waiting for its retry', async () => {
    const { h, rx } = await setUp()
    const { port } = rx
    await rx.close()
    const ch = h.webhook(`http://127.0.0.1:${port}/hook`)
    h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
    const raise = makeAlert()
    h.emit(change(raise, 'raised', T0))
    // refused at 30, 40, 60, 90 and 150 s, then at 270 s: its next retry is due at 510 s
    for (let t = T0 + 30 * SEC; t < T0 + 5 * MIN; t += 10 * SEC) await h.tickAt(t)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'failed' })).toBe(6)

    const back = await startReceiver(port)
    try {
      const next = makeAlert({ siteId: 'acme-shed-2', raisedAt: T0 + 5 * MIN })
      h.emit(change(next, 'raised', T0 + 5 * MIN))
      for (let t = T0 + 5 * MIN; t <= T0 + 5 * MIN + 30 * SEC; t += 10 * SEC) await h.tickAt(t)
      expect(back.received.map((r) => r.body.alert.id)).toEqual([raise.id, next.id])
      // both in the run that sent the new page as soon as its group flushed, long before the raise's 510 s
      const [first, second] = back.received.map((r) => r.body.sentAt as number)
      expect(second).toBe(first)
      expect(first).toBeLessThanOrEqual(T0 + 330 * SEC)
      expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
    } finally {
      await back.close()
      await tearDown()
    }
  })
})

describe('a channel whose receiver is down for hours', () => {
  it('after an outage, two pages the receiver refuses for themselves do not hold a good page past its hold', async () => {
    const h = startNotifyHarness()
    const a = makeAlert({ raisedAt: T0 })
    const b = makeAlert({ siteId: 'acme-shed-2', raisedAt: T0 + MIN })
    const c = makeAlert({ raisedAt: T0 + 2 * MIN })
    let outage = true
    const poison = new Set([a.id, b.id])
    const rx = await startReceiver(0, {
      statusFor: (r) => (outage ? 503 : poison.has(r.body.alert.id) ? 500 : undefined),
    })
    try {
      const ch = h.webhook(`${rx.url}/hook`)
      h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
      h.emit(change(a, 'raised', T0))
      let t = T0
      for (; t < T0 + 40 * MIN; t += 10 * SEC) {
        if (t === T0 + MIN) h.emit(change(b, 'raised', t))
        if (t === T0 + 2 * MIN) h.emit(change(c, 'raised', t))
        await h.tickAt(t)
      }
      // the receiver is back, but refuses a and b for themselves; no new page comes
      outage = false
      const back = t
      for (; t < back + 30 * MIN; t += 30 * SEC) await h.tickAt(t)
      // c goes at the channel's next round (before: held until a and b were given up, a day later)
      const cOk = rx.received.filter((r) => r.body.alert.id === c.id && r.body.sentAt >= back)
      expect(cOk.length).toBeGreaterThan(0)
      expect(Math.min(...cOk.map((r) => r.body.sentAt))).toBeLessThanOrEqual(back + 15 * MIN)
      expect(await h.metric('courtyard_notifications_total', { outcome: 'delivered' })).toBe(1)
      // a and b are still retried on their own schedule, not given up
      expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(0)
    } finally {
      await h.close()
      await rx.close()
    }
  })

  it('costs a few attempts per run and per round, not one for every page it holds, and delivers them all in order once back', async () => {
    const h = startNotifyHarness()
    let down = true
    const rx = await startReceiver(0, { statusFor: () => (down ? 503 : undefined) })
    try {
      const ch = h.webhook(`${rx.url}/hook`)
      h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
      // a new raise every 15 min for 4 h, then a quiet hour, on a receiver answering 503 to everything
      const alerts = Array.from({ length: 16 }, (_, i) =>
        makeAlert({ siteId: i % 2 === 0 ? 'acme-shed' : 'acme-shed-2', raisedAt: T0 + i * 15 * MIN }),
      )
      for (let t = T0, i = 0; t < T0 + 300 * MIN; t += 30 * SEC) {
        if (i < alerts.length && alerts[i]!.raisedAt === t) h.emit(change(alerts[i++]!, 'raised', t))
        await h.tickAt(t)
      }
      const attempts = rx.received.length
      // one channel: the attempts of one run share its sentAt
      const perRun = new Map<number, number>()
      for (const r of rx.received) perRun.set(r.body.sentAt, (perRun.get(r.body.sentAt) ?? 0) + 1)
      // at most the two oldest pages (past their hold), the one tried longest ago of the rest, and one
      // within its hold; before, every run tried every older page: 16 by the end, one more with each page
      expect(Math.max(...perRun.values())).toBeLessThanOrEqual(4)
      // with no new page, 3 attempts a round: 8 rounds in the hour, 7.5 min apart at this jitter (before:
      // 128, every page in each run)
      const quiet = rx.received.filter((r) => r.body.sentAt >= T0 + 240 * MIN)
      expect(quiet.length).toBeLessThanOrEqual(24)
      expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(0)

      down = false
      for (let t = T0 + 300 * MIN; t <= T0 + 310 * MIN; t += 30 * SEC) await h.tickAt(t)
      const delivered = rx.received.slice(attempts)
      expect(delivered.map((r) => r.body.alert.id)).toEqual(alerts.map((a) => a.id))
      expect(await h.metric('courtyard_notification_outbox_depth')).toBe(0)
    } finally {
      await h.close()
      await rx.close()
    }
  })

  it('after an outage, sends the pages behind one the receiver refuses for itself at its next round, in order, with no new page to wake it', async () => {
    const h = startNotifyHarness()
    let down = true
    const poison = makeAlert()
    const rx = await startReceiver(0, {
      statusFor: (r) => (down ? 503 : r.body.alert.id === poison.id ? 500 : undefined),
    })
    try {
      const ch = h.webhook(`${rx.url}/hook`)
      h.route({ channelIds: [ch], repeatEveryMin: { critical: null } })
      const later = [
        makeAlert({ siteId: 'acme-shed-2', raisedAt: T0 + 15 * MIN }),
        makeAlert({ raisedAt: T0 + 30 * MIN }),
      ]
      h.emit(change(poison, 'raised', T0))
      for (let t = T0; t < T0 + 50 * MIN; t += 30 * SEC) {
        for (const a of later) if (a.raisedAt === t) h.emit(change(a, 'raised', t))
        await h.tickAt(t)
      }
      const duringOutage = rx.received.length
      // the receiver is back, but refuses the poisoned raise whatever happens; nothing new is paged
      down = false
      for (let t = T0 + 50 * MIN; t <= T0 + 70 * MIN; t += 30 * SEC) await h.tickAt(t)
      const after = rx.received.slice(duringOutage)
      const delivered = after.filter((r) => r.body.alert.id !== poison.id)
      expect(delivered.map((r) => r.body.alert.id)).toEqual(later.map((a) => a.id))
      // right after one more try of the poisoned raise, in the same run
      const i = after.indexOf(delivered[0]!)
      expect(after[i - 1]!.body.alert.id).toBe(poison.id)
      expect(after[i - 1]!.body.sentAt).toBe(delivered[0]!.body.sentAt)
      expect(await h.metric('courtyard_notification_outbox_depth')).toBe(1)
    } finally {
      await h.close()
      await rx.close()
    }
  })
})
