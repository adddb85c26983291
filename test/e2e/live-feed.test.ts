// The live feed as `npm start` runs it (the service process; its live feed takes device messages from the
// broker in its own process): readings published over MQTT reach a batched socket.io client all and in
// order, a per-reading client as before, only for the site each watches; an event comes after the readings
// published before it; a stopped watch stops the readings.
import type { MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { ClientToServerEvents, LiveReading, ServerToClientEvents } from '../../domain/live-events.ts'
import { circuitReading, connectDevice, type ProvisionedDevice } from '../support/device-publisher.ts'
import { until } from '../support/poll.ts'
import { provisionCircuits } from '../support/provision.ts'
import { api, createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>

describe('live feed end to end', () => {
  let svc: ServiceProcess
  let a: ProvisionedDevice
  let b: ProvisionedDevice
  let siteA: string
  let siteB: string
  const devices: MqttClient[] = []
  const clients: LiveClient[] = []

  beforeAll(async () => {
    svc = await createServiceProcess({ influxUrl: inject('influxUrl'), db: 'live_feed_e2e' })
    await svc.start()
    a = (await provisionCircuits(svc, 'live-a', 1))[0]!
    b = (await provisionCircuits(svc, 'live-b', 1))[0]!
    siteA = (await api<{ siteId: string }>(svc, 'GET', `/api/v1/devices/${a.id}`)).siteId
    siteB = (await api<{ siteId: string }>(svc, 'GET', `/api/v1/devices/${b.id}`)).siteId
    devices.push(await connectDevice(svc.mqttUrl, a), await connectDevice(svc.mqttUrl, b))
  })
  afterAll(async () => {
    for (const c of clients) c.close()
    for (const d of devices) await d.endAsync(true)
    await svc?.kill('SIGTERM')
  })

  const connect = async (readings?: 'batched') => {
    const c: LiveClient = io(svc.httpUrl, {
      path: '/socket.io',
      auth: { token: svc.adminToken, ...(readings ? { readings } : {}) },
      transports: ['websocket'],
      reconnection: false,
    })
    clients.push(c)
    await new Promise<void>((resolve, reject) => {
      c.once('connect', resolve)
      c.once('connect_error', reject)
    })
    return c
  }
  const seqsOf = (rs: LiveReading[], id: string) =>
    rs.filter((r) => r.deviceId === id).map((r) => r.reading.seq)
  const t0 = Date.now() - 60_000
  const publish = (i: number, seqs: number[]) => {
    for (const seq of seqs)
      devices[i]!.publish(
        `devices/${i === 0 ? a.id : b.id}/telemetry`,
        JSON.stringify(circuitReading(seq, t0 + seq)),
        { qos: 1 },
      )
  }
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)

  it('delivers 50 readings of a site to its batched and per-reading watchers, all, in order, and nothing of another site', async () => {
    const batched = await connect('batched')
    const each = await connect()
    const other = await connect('batched')
    const got = {
      batched: [] as LiveReading[],
      batches: 0,
      each: [] as LiveReading[],
      other: [] as LiveReading[],
    }
    batched.on('readings', (rs) => {
      got.batches++
      got.batched.push(...rs)
    })
    each.on('reading', (r) => got.each.push(r))
    other.on('readings', (rs) => got.other.push(...rs))
    for (const [c, siteId] of [
      [batched, siteA],
      [each, siteA],
      [other, siteB],
    ] as const)
      expect(await c.timeout(10_000).emitWithAck('subscribe', { siteId })).toEqual({ ok: true })
    publish(0, range(0, 50))
    publish(1, range(0, 5))
    await until(() => got.batched.length >= 50 && got.each.length >= 50 && got.other.length >= 5, {
      what: 'the readings of both sites',
      timeoutMs: 20_000,
    })
    expect(seqsOf(got.batched, a.id)).toEqual(range(0, 50))
    expect(got.batched).toHaveLength(50)
    expect(got.batches).toBeLessThan(50)
    expect(seqsOf(got.each, a.id)).toEqual(range(0, 50))
    expect(got.each).toHaveLength(50)
    expect(got.other.map((r) => `${r.deviceId}:${r.reading.seq}`)).toEqual(
      range(0, 5).map((s) => `${b.id}:${s}`),
    )
  })

  it('sends an event after the readings published before it, and no readings once the watch is dropped', async () => {
    const c = await connect('batched')
    const order: string[] = []
    c.on('readings', (rs) => {
      for (const r of rs) order.push(`r${r.reading.seq}`)
    })
    c.on('event', (e) => order.push(`e${e.event.seq}`))
    expect(await c.timeout(10_000).emitWithAck('subscribe', { siteId: siteA })).toEqual({ ok: true })
    publish(0, range(100, 10))
    const ev = { ts: t0 + 110, seq: 110, kind: 'circuit-monitor', event: 'reboot', reason: 'test' }
    devices[0]!.publish(`devices/${a.id}/events`, JSON.stringify(ev), { qos: 1 })
    await until(() => order.includes('e110'), { what: 'the event', timeoutMs: 20_000 })
    expect(order).toEqual([...range(100, 10).map((s) => `r${s}`), 'e110'])

    expect(await c.timeout(10_000).emitWithAck('unsubscribe', { siteId: siteA })).toEqual({ ok: true })
    // a watcher that stays marks when the service has handled what follows
    const marker = await connect('batched')
    const seen: number[] = []
    marker.on('readings', (rs) => seen.push(...rs.map((r) => r.reading.seq)))
    expect(await marker.timeout(10_000).emitWithAck('subscribe', { siteId: siteA })).toEqual({ ok: true })
    publish(0, range(200, 5))
    await until(() => seen.length >= 5, { what: 'the marker client’s readings', timeoutMs: 20_000 })
    expect(order.filter((x) => x.startsWith('r2'))).toEqual([])
  })
})
