// One tenant must not hurt the others: a tenant whose receivers hang or flood holds only its own
// channels, and what a receiver sends back is read up to a bound.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { interleaveByTenant } from '../../notify/outbox-worker.ts'
import { until } from '../support/poll.ts'
import {
  change,
  makeAlert,
  type NotifyHarness,
  type Receiver,
  SEC,
  startBadReceiver,
  startNotifyHarness,
  startReceiver,
  T0,
} from './notify-support.ts'

type BadReceiver = Awaited<ReturnType<typeof startBadReceiver>>

const outbox = (h: NotifyHarness, tenantId: string) =>
  h.db
    .prepare('SELECT state, attempts, last_error AS error FROM notify_outbox WHERE tenant_id = ?')
    .all(tenantId) as { state: string; attempts: number; error: string | null }[]

describe('tenant isolation of deliveries', () => {
  let h: NotifyHarness
  let rx: Receiver
  let bad: BadReceiver | undefined
  beforeEach(async () => {
    // a deadline far beyond the test: whatever ends an attempt here is not the clock
    h = startNotifyHarness({ httpTimeoutMs: 120_000 })
    rx = await startReceiver()
  })
  afterEach(async () => {
    await h.close()
    await rx.close()
    await bad?.close()
    bad = undefined
  })

  it("delivers tenant B's critical alert while tenant A's twenty channels hang on a silent receiver", async () => {
    bad = await startBadReceiver('silent')
    const aChannels = Array.from({ length: 20 }, (_, i) => h.webhook(`${bad!.url}/a${i}`))
    h.route({ channelIds: aChannels })
    const bChannel = h.webhook(`${rx.url}/b`, { tenantId: 'bravo' })
    h.route({ tenantId: 'bravo', channelIds: [bChannel] })

    h.emit(change(makeAlert(), 'raised', T0))
    h.clock.t = T0 + 30 * SEC
    const aRound = h.notifier.tick(h.clock.t)
    await until(() => bad!.stats.requests === 8, { what: "tenant A's first eight attempts in flight" })

    h.emit(change(makeAlert({ siteId: 'bravo-hall', type: 'emergency_call' }), 'raised', h.clock.t))
    h.clock.t = T0 + 60 * SEC
    const bRound = h.notifier.tick(h.clock.t)
    await until(() => rx.received.length === 1, { what: "tenant B's notification" })
    // this tick started B's channel only, so it ends when B's delivery is recorded
    await bRound

    expect(rx.received[0]!.body).toMatchObject({ tenantId: 'bravo', alert: { type: 'emergency_call' } })
    // A's attempts are still hanging: none finished, none recorded, and A never held more than its share
    expect(bad.stats.open).toBe(8)
    expect(bad.stats.closed).toBe(0)
    expect(bad.stats.requests).toBe(8)
    expect(outbox(h, 'acme').every((e) => e.state === 'pending' && e.attempts === 0)).toBe(true)
    expect(outbox(h, 'bravo')).toEqual([{ state: 'delivered', attempts: 1, error: null }])
    // stopping aborts the hanging attempts without counting them against A's entries
    await h.notifier.stop()
    await aRound
    expect(outbox(h, 'acme').every((e) => e.attempts === 0)).toBe(true)
  })

  it('cuts off a receiver that streams its answer without end and records the attempt as failed', async () => {
    bad = await startBadReceiver('flood')
    h.route({ channelIds: [h.webhook(`${bad.url}/flood`)] })
    h.emit(change(makeAlert(), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)

    expect(outbox(h, 'acme')).toEqual([
      { state: 'dead', attempts: 1, error: 'response body over 65536 bytes' },
    ])
    await until(() => bad!.stats.closed === 1, { what: 'the flooding connection closed' })
    // what was read is bounded by 64 KiB; what the server got rid of also fills socket buffers
    console.log(`flood receiver wrote ${bad.stats.written} bytes before the notifier closed the connection`)
    expect(bad.stats.written).toBeLessThan(32 * 1024 * 1024)
    expect(await h.metric('courtyard_notifications_total', { outcome: 'dead' })).toBe(1)
  })

  it('gives up on an answer whose body stalls at the attempt deadline and retries it later', async () => {
    h.restart({ httpTimeoutMs: 300 })
    bad = await startBadReceiver('stall')
    h.route({ channelIds: [h.webhook(`${bad.url}/stall`)] })
    h.emit(change(makeAlert(), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)

    expect(outbox(h, 'acme')).toEqual([
      { state: 'pending', attempts: 1, error: 'timeout after 300 ms reading the answer' },
    ])
    await until(() => bad!.stats.closed === 1, { what: 'the stalled connection closed' })
  })
})

describe('interleaveByTenant', () => {
  it('takes one channel of each tenant in turn, each tenant in its own order', () => {
    const c = (tenantId: string, channelId: string) => ({ tenantId, channelId })
    const order = interleaveByTenant([
      c('a', 'a1'),
      c('a', 'a2'),
      c('a', 'a3'),
      c('b', 'b1'),
      c('c', 'c1'),
      c('b', 'b2'),
    ])
    expect(order.map((x) => x.channelId)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3'])
    expect(interleaveByTenant([])).toEqual([])
  })
})
