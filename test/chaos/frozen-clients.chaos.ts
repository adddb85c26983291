// Two socket.io clients (one taking a reading per event, one batched readings) and an MQTT subscriber that
// stop reading while the fleet publishes: the other clients keep receiving with little lag, the service's
// memory stays bounded, and the frozen clients are eventually disconnected (the live feed's queue bound in
// packets and bytes, api/live-backlog.ts; the broker's drain timeout).
import { type Socket as NetSocket, connect as netConnect } from 'node:net'
import { io as ioClient } from 'socket.io-client'
import { afterAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { connectDevice, type ProvisionedDevice, startPublisherFleet } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'
import { chaosRng, readRssKb, report } from './chaos-support.ts'

const NAME = 'frozen-clients'
/**
 * A ceiling on the service's RSS growth while the clients are frozen. The fleet at full speed alone moves
 * RSS by 80–170 MB here (V8's heap growing under load), so this catches runaway growth, not a few MB:
 * that the socket.io queue is bounded is checked by its own disconnect (below).
 */
const RSS_BOUND_MB = 300

const mqttString = (s: string) => {
  const b = Buffer.from(s)
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
}
const mqttPacket = (header: number, body: Buffer) => {
  const len: number[] = []
  let n = body.length
  do {
    let d = n % 128
    n = Math.floor(n / 128)
    if (n > 0) d |= 0x80
    len.push(d)
  } while (n > 0)
  return Buffer.concat([Buffer.from([header, ...len]), body])
}

/**
 * A device that subscribes to its own subtree over raw TCP, then never reads again while it keeps
 * publishing (QoS 0): the broker echoes every message back into a connection that takes nothing.
 */
async function frozenMqttDevice(
  url: string,
  d: ProvisionedDevice,
): Promise<{ sock: NetSocket; closed: Promise<void>; sent(): number }> {
  const u = new URL(url)
  const sock = netConnect({ host: u.hostname, port: Number(u.port) })
  const closed = new Promise<void>((res) => sock.once('close', () => res()))
  sock.on('error', () => undefined)
  let got = Buffer.alloc(0)
  const read = (bytes: number) =>
    new Promise<void>((res) => {
      const on = (c: Buffer) => {
        got = Buffer.concat([got, c])
        if (got.length >= bytes) {
          sock.off('data', on)
          got = got.subarray(bytes)
          res()
        }
      }
      sock.on('data', on)
    })
  await new Promise<void>((res) => sock.once('connect', () => res()))
  const connack = read(4)
  sock.write(
    mqttPacket(
      0x10,
      Buffer.concat([
        Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0xc2, 0, 0]),
        mqttString(d.id),
        mqttString(d.id),
        mqttString(d.secret),
      ]),
    ),
  )
  await connack
  const suback = read(5)
  sock.write(
    mqttPacket(0x82, Buffer.concat([Buffer.from([0, 1]), mqttString(`devices/${d.id}/#`), Buffer.from([0])])),
  )
  await suback
  sock.pause()
  let sent = 0
  let seq = 0
  const body = JSON.stringify({ note: 'x'.repeat(900) })
  // ~1 MB/s of its own messages, echoed back at it by the broker
  const timer = setInterval(() => {
    for (let i = 0; i < 20 && !sock.destroyed; i++) {
      const payload = Buffer.from(body.replace('}', `,"seq":${seq++}}`))
      sent++
      sock.write(mqttPacket(0x30, Buffer.concat([mqttString(`devices/${d.id}/telemetry`), payload])))
    }
  }, 20)
  void closed.then(() => clearInterval(timer))
  return { sock, closed, sent: () => sent }
}

/** A socket.io client over a raw WebSocket: handshake, subscribe, then its TCP socket stops reading. */
async function frozenLiveClient(
  svc: ServiceProcess,
  siteId: string,
  auth: Record<string, string> = {},
): Promise<WebSocket> {
  const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)
  const frames: string[] = []
  ws.on('message', (m) => frames.push(m.toString()))
  ws.on('error', () => undefined)
  await pollUntil(() => frames.some((f) => f.startsWith('0{')), { what: 'engine.io open' })
  ws.send(`40${JSON.stringify({ token: svc.adminToken, ...auth })}`)
  await pollUntil(() => frames.some((f) => f.startsWith('40{')), { what: 'socket.io connect' })
  ws.send(`420${JSON.stringify(['subscribe', { siteId }])}`)
  await pollUntil(() => frames.some((f) => f.startsWith('430')), { what: 'subscribe ack' })
  expect(frames.find((f) => f.startsWith('430'))).toBe('430[{"ok":true}]')
  ;(ws as unknown as { _socket: NetSocket })._socket.pause()
  return ws
}

async function metric(svc: ServiceProcess, name: string): Promise<number> {
  const text = await (
    await fetch(`${svc.httpUrl}/metrics`, { headers: { authorization: `Bearer ${svc.adminToken}` } })
  ).text()
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)
  return m ? Number(m[1]) : Number.NaN
}

describe(NAME, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('keeps others receiving and memory bounded, and disconnects frozen socket.io clients and MQTT subscriber', async () => {
    chaosRng(NAME)
    const influxUrl = inject('influxUrl')
    const db = 'chaos_frozen'
    const svc = await createServiceProcess({ influxUrl, db, extraEnv: { LOG_LEVEL: 'warn' } })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const pid = svc.pid()!
    const devices = await provisionCircuits(svc, 'frz', 9)
    const fleetDevices = devices.slice(0, 6)
    const [probe, frozenDev, healthySub] = devices.slice(6) as [
      ProvisionedDevice,
      ProvisionedDevice,
      ProvisionedDevice,
    ]
    const { siteId } = await api<{ siteId: string }>(svc, 'GET', `/api/v1/devices/${probe.id}`)

    // healthy: a socket.io client on the site, and an MQTT subscriber (a device reading its own subtree)
    const live = ioClient(svc.httpUrl, {
      path: '/socket.io',
      auth: { token: svc.adminToken },
      transports: ['websocket'],
    })
    cleanups.push(async () => {
      live.close()
    })
    const liveLag: number[] = []
    let liveReadings = 0
    live.on('reading', (r: { deviceId: string; reading: { ts: number } }) => {
      liveReadings++
      if (r.deviceId === probe.id) liveLag.push(Date.now() - r.reading.ts)
    })
    expect(await live.timeout(10_000).emitWithAck('subscribe', { siteId })).toEqual({ ok: true })
    const sub = await connectDevice(svc.mqttUrl, healthySub)
    cleanups.push(() => sub.endAsync(true))
    const mqttLag: number[] = []
    await sub.subscribeAsync(`devices/${healthySub.id}/#`, { qos: 0 })
    sub.on('message', (_t, p) => {
      const ts = (JSON.parse(p.toString()) as { ts?: number }).ts
      if (typeof ts === 'number') mqttLag.push(Date.now() - ts)
    })
    // probes: a reading with ts = now, every 200 ms, from the probe (seen live) and the healthy subscriber
    const probeClient = await connectDevice(svc.mqttUrl, probe)
    cleanups.push(() => probeClient.endAsync(true))
    let probeSeq = 0
    const probeTimer = setInterval(() => {
      const now = Date.now()
      const r = (seq: number) =>
        JSON.stringify({
          ts: now,
          seq,
          kind: 'circuit-monitor',
          circuit: 'probe',
          voltageV: 230,
          currentA: 0.1,
          powerW: 20,
          powerFactor: 0.9,
          currentThdPct: 5,
          energyKWh: 1 + seq / 1000,
        })
      probeClient.publish(`devices/${probe.id}/telemetry`, r(probeSeq), { qos: 1 })
      sub.publish(`devices/${healthySub.id}/telemetry`, r(probeSeq), { qos: 1 })
      probeSeq++
    }, 200)
    cleanups.push(async () => clearInterval(probeTimer))

    const fleet = await startPublisherFleet({
      url: svc.mqttUrl,
      devices: fleetDevices,
      // its readings start 20 days back (the default): room for 1.7 M per device before "ts_future" (a
      // fast machine sends 130 k per device here)
    })
    cleanups.push(() => fleet.close())
    fleet.run()
    await pollUntil(() => fleet.ackedCount() >= 2_000, { what: 'warm-up' })
    const rssStartKb = readRssKb(pid)
    let rssMaxKb = rssStartKb
    const rssTimer = setInterval(() => {
      rssMaxKb = Math.max(rssMaxKb, readRssKb(pid))
    }, 250)
    cleanups.push(async () => clearInterval(rssTimer))

    const started = Date.now()
    const frozenWs = await frozenLiveClient(svc, siteId)
    cleanups.push(async () => frozenWs.terminate())
    const frozenBatched = await frozenLiveClient(svc, siteId, { readings: 'batched' })
    cleanups.push(async () => frozenBatched.terminate())
    const liveBefore = await metric(svc, 'courtyard_api_live_clients')
    const frozenMqtt = await frozenMqttDevice(svc.mqttUrl, frozenDev)
    cleanups.push(async () => {
      frozenMqtt.sock.destroy()
    })
    const devicesBefore = await metric(svc, 'courtyard_broker_connected_devices')
    // the frozen clients are dropped by the service
    await pollUntil(async () => (await metric(svc, 'courtyard_api_live_clients')) === liveBefore - 2, {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'the frozen socket.io clients disconnected',
    })
    const liveDropS = (Date.now() - started) / 1000
    await pollUntil(
      async () => (await metric(svc, 'courtyard_broker_connected_devices')) === devicesBefore - 1,
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        what: 'the frozen MQTT subscriber disconnected',
      },
    )
    const mqttDropS = (Date.now() - started) / 1000
    const lagFrom = liveLag.length
    const mqttLagFrom = mqttLag.length
    // the healthy ones still receive afterwards
    await pollUntil(() => liveLag.length >= lagFrom + 10 && mqttLag.length >= mqttLagFrom + 10, {
      what: 'healthy clients still receiving',
    })
    clearInterval(rssTimer)
    await fleet.stop()
    clearInterval(probeTimer)

    const p = (xs: number[], q: number) =>
      [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)] ?? Number.NaN
    const c = await expectExactlyOnce(influxUrl, db, fleet.acked).catch(async (err) => {
      const m = await (await fetch(`${svc.httpUrl}/metrics`)).text()
      const lines = m.split('\n').filter((l) => /^courtyard_(ingest|spool)/.test(l))
      throw new Error(
        `${String(err)}\n${lines.join('\n')}\n--- service output ---\n${svc.output().slice(-8000)}`,
      )
    })
    const growthMb = (rssMaxKb - rssStartKb) / 1024
    report(
      NAME,
      `6 devices publishing, frozen socket.io clients (per reading, batched) dropped after ${liveDropS.toFixed(0)} s, frozen MQTT subscriber (${frozenMqtt.sent()} of its own publishes echoed back at it) dropped after ${mqttDropS.toFixed(0)} s; healthy socket.io got ${liveReadings} readings, probe lag p50 ${p(liveLag, 0.5)} ms p99 ${p(liveLag, 0.99)} ms, healthy MQTT lag p50 ${p(mqttLag, 0.5)} ms p99 ${p(mqttLag, 0.99)} ms; service RSS ${(rssStartKb / 1024).toFixed(0)} MB → max ${(rssMaxKb / 1024).toFixed(0)} MB`,
      c,
    )
    expect(growthMb, 'service RSS growth while clients were frozen (MB)').toBeLessThan(RSS_BOUND_MB)
    // dropped by the live feed's queue bound, not left queueing until its heartbeat (~45 s) gives up
    expect(svc.output().split('live client does not read its updates: disconnected').length - 1).toBe(2)
  }, 300_000)
})
