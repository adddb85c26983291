// Batched live readings (handshake `readings: 'batched'`) against a real aedes broker, the real API and
// real socket.io clients: every reading arrives once, in order, in fewer packets, only to its site's and
// device's watchers, before the events published after it; per-reading clients are unchanged beside them.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { LiveReading } from '../../domain/live-events.ts'
import { until } from '../support/poll.ts'
import {
  type LiveClient,
  type LiveRig,
  pileReading,
  startLiveRig,
  subscribeLive as subscribe,
} from './live-rig.ts'

let rig: LiveRig

beforeAll(async () => {
  rig = await startLiveRig(inject('influxUrl'))
  // a second site of the same tenant: scoping between sites, not only between tenants
  rig.h.registry.createSite({
    id: 'acme-yard',
    tenantId: 'acme',
    name: 'Yard',
    community: 'Garden Court',
    kind: 'charging-shed',
  })
  await rig.h.registry.provisionDevice({ id: 'yard-pile', kind: 'charging-pile', siteId: 'acme-yard' })
})

afterAll(async () => {
  await rig?.close()
})

/** Everything a client receives, in arrival order: each `readings` batch and each single `reading`. */
function record(s: LiveClient) {
  const batches: LiveReading[][] = []
  const singles: LiveReading[] = []
  const order: string[] = []
  s.on('readings', (b) => {
    batches.push(b)
    for (const r of b) order.push(`r:${r.deviceId}:${r.reading.seq}`)
  })
  s.on('reading', (r) => singles.push(r))
  s.on('event', (e) => order.push(`e:${e.deviceId}:${e.event.seq}`))
  return {
    batches,
    singles,
    order,
    /** the batched readings as `device:seq` */
    seen: () => batches.flat().map((r) => `${r.deviceId}:${r.reading.seq}`),
  }
}

const batched = (token: string) => rig.connected(token, { readings: 'batched' })

const publishReadings = (deviceId: string, seqs: number[]) => {
  for (const seq of seqs) rig.device.publish(`devices/${deviceId}/telemetry`, pileReading(seq), { qos: 0 })
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)

describe('batched readings', () => {
  it('delivers 50 readings of a watched site all, once and in order, in a few `readings` batches and no single `reading`', async () => {
    const s = await batched(rig.tokens.acmeViewer)
    const got = record(s)
    expect(await subscribe(s, { siteId: 'acme-shed' })).toEqual({ ok: true })
    publishReadings('pile-01', range(1000, 50))
    await until(() => got.seen().length >= 50, { what: '50 batched readings' })
    expect(got.seen()).toEqual(range(1000, 50).map((seq) => `pile-01:${seq}`))
    expect(got.batches[0]?.[0]).toMatchObject({
      deviceId: 'pile-01',
      siteId: 'acme-shed',
      kind: 'charging-pile',
    })
    // one batch per tick, not one packet per reading
    expect(got.batches.length).toBeLessThan(10)
    expect(got.singles).toEqual([])
    s.disconnect()
  })

  it('sends a site’s readings only to its own watchers, and a watched device’s only to its watchers', async () => {
    const shed = await batched(rig.tokens.acmeViewer)
    const yard = await batched(rig.tokens.acmeViewer)
    const one = await batched(rig.tokens.acmeViewer)
    const bravo = await batched(rig.tokens.bravoManager)
    const got = { shed: record(shed), yard: record(yard), one: record(one), bravo: record(bravo) }
    expect(await subscribe(shed, { siteId: 'acme-shed' })).toEqual({ ok: true })
    expect(await subscribe(yard, { siteId: 'acme-yard' })).toEqual({ ok: true })
    expect(await subscribe(one, { deviceId: 'pile-02' })).toEqual({ ok: true })
    expect(await subscribe(bravo, { siteId: 'bravo-shed' })).toEqual({ ok: true })
    // interleaved, so every tick's batches mix the sites
    for (const seq of range(2000, 20)) {
      publishReadings('pile-01', [seq])
      publishReadings('pile-02', [seq])
      publishReadings('yard-pile', [seq])
      publishReadings('bravo-pile', [seq])
    }
    const of = (d: string) => range(2000, 20).map((seq) => `${d}:${seq}`)
    await until(
      () =>
        got.shed.seen().length >= 40 &&
        got.yard.seen().length >= 20 &&
        got.one.seen().length >= 20 &&
        got.bravo.seen().length >= 20,
      { what: 'every watcher’s readings' },
    )
    const only = (xs: string[], d: string) => xs.filter((x) => x.startsWith(`${d}:`))
    expect(only(got.shed.seen(), 'pile-01')).toEqual(of('pile-01'))
    expect(only(got.shed.seen(), 'pile-02')).toEqual(of('pile-02'))
    expect(got.shed.seen()).toHaveLength(40)
    expect(got.yard.seen()).toEqual(of('yard-pile'))
    expect(got.one.seen()).toEqual(of('pile-02'))
    expect(got.bravo.seen()).toEqual(of('bravo-pile'))
    for (const c of [shed, yard, one, bravo]) c.disconnect()
  })

  it('sends a reading once to a client watching both the device and its site', async () => {
    const s = await batched(rig.tokens.acmeViewer)
    const got = record(s)
    expect(await subscribe(s, { siteId: 'acme-shed' })).toEqual({ ok: true })
    expect(await subscribe(s, { deviceId: 'pile-02' })).toEqual({ ok: true })
    publishReadings('pile-02', range(3000, 30))
    // a later reading of another device of the site marks the end: anything duplicated would come before it
    await until(() => got.seen().length >= 30, { what: 'the readings' })
    publishReadings('pile-01', [3999])
    await until(() => got.seen().includes('pile-01:3999'), { what: 'the marker' })
    expect(got.seen()).toEqual([...range(3000, 30).map((seq) => `pile-02:${seq}`), 'pile-01:3999'])
    s.disconnect()
  })

  it('sends the readings held for a batch before an event published after them', async () => {
    const s = await batched(rig.tokens.acmeViewer)
    const got = record(s)
    expect(await subscribe(s, { siteId: 'acme-shed' })).toEqual({ ok: true })
    publishReadings('pile-01', range(4000, 10))
    const ev = { ts: Date.now(), seq: 4010, kind: 'charging-pile', event: 'smoke_detected' }
    rig.device.publish('devices/pile-01/events', JSON.stringify(ev), { qos: 0 })
    await until(() => got.order.includes('e:pile-01:4010'), { what: 'the event' })
    expect(got.order).toEqual([...range(4000, 10).map((seq) => `r:pile-01:${seq}`), 'e:pile-01:4010'])
    s.disconnect()
  })

  it('keeps sending single `reading` events to a client that did not ask for batches, beside a batched one', async () => {
    const each = await rig.connected(rig.tokens.acmeViewer)
    const many = await batched(rig.tokens.acmeViewer)
    const got = { each: record(each), many: record(many) }
    expect(await subscribe(each, { siteId: 'acme-shed' })).toEqual({ ok: true })
    expect(await subscribe(many, { siteId: 'acme-shed' })).toEqual({ ok: true })
    publishReadings('pile-01', range(5000, 20))
    await until(() => got.each.singles.length >= 20 && got.many.seen().length >= 20, {
      what: 'both clients’ readings',
    })
    expect(got.each.singles.map((r) => r.reading.seq)).toEqual(range(5000, 20))
    expect(got.each.batches).toEqual([])
    expect(got.many.seen()).toEqual(range(5000, 20).map((seq) => `pile-01:${seq}`))
    each.disconnect()
    many.disconnect()
  })

  it('refuses a handshake asking for an unknown way of receiving readings', async () => {
    const s = rig.connect(rig.tokens.acmeViewer, { readings: 'sometimes' })
    const err = await new Promise<Error & { data?: { error: string; message: string } }>((resolve) =>
      s.once('connect_error', resolve),
    )
    expect(err.data).toMatchObject({ error: 'BAD_REQUEST' })
    expect(err.data?.message).toContain('each, batched')
    expect(s.connected).toBe(false)
  })
})
