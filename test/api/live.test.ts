// socket.io live updates and MQTT revocation against a real aedes broker and real mqtt.js clients.
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { REVOKE_TOPIC } from '../../api/app.ts'
import type { LiveAlert } from '../../domain/live-events.ts'
import { pollUntil, until } from '../support/poll.ts'
import type { Harness } from './api-harness.ts'
import {
  type LiveClient,
  type LiveRig,
  nextLive as next,
  pileReading,
  startLiveRig,
  subscribeLive as subscribe,
} from './live-rig.ts'

let rig: LiveRig
let mqttUrl: string
let device: MqttClient
let h: Harness
let tokens: LiveRig['tokens']

beforeAll(async () => {
  rig = await startLiveRig(inject('influxUrl'))
  ;({ mqttUrl, device, h, tokens } = rig)
})

afterAll(async () => {
  await rig?.close()
})

const connect = (token?: string): LiveClient => rig.connect(token)
const connected = (token: string): Promise<LiveClient> => rig.connected(token)

/** Next message on `topic` seen by a fresh subscriber. */
async function nextOn(topic: string): Promise<{ client: MqttClient; message: Promise<string> }> {
  const client = await mqtt.connectAsync(mqttUrl, {
    clientId: `watcher-${Math.random()}`,
    reconnectPeriod: 0,
  })
  await client.subscribeAsync(topic, { qos: 1 })
  const message = new Promise<string>((resolve) => client.once('message', (_t, p) => resolve(p.toString())))
  return { client, message }
}

describe('socket.io handshake', () => {
  it.each([
    ['no token', undefined],
    ['a bad token', 'cy_nope'],
  ])('refuses a client with %s', async (_n, token) => {
    const s = connect(token)
    const err = await new Promise<Error & { data?: { error: string } }>((resolve) =>
      s.once('connect_error', resolve),
    )
    expect(err.message).toBe('unauthorized')
    expect(err.data?.error).toBe('UNAUTHORIZED')
    expect(s.connected).toBe(false)
  })

  it('accepts a valid token', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(s.connected).toBe(true)
  })
})

describe('subscriptions', () => {
  it('delivers device-status to a client subscribed to the device', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { deviceId: 'pile-01' })).toEqual({ ok: true })
    const got = next(s, 'device-status')
    await device.publishAsync('devices/pile-01/status', 'online', { qos: 1, retain: true })
    const msg = await got
    expect(msg).toMatchObject({ deviceId: 'pile-01', online: true })
    expect(msg.at).toBeTypeOf('number')
  })

  it('delivers readings only while someone watches, ref-counting the telemetry subscription', async () => {
    const gauge = async () =>
      Number(/courtyard_api_live_telemetry_subscriptions (\d+)/.exec(await h.metrics.metrics())?.[1])
    // the device-status test's client still watches pile-01
    const before = await gauge()
    const a = await connected(tokens.acmeViewer)
    const b = await connected(tokens.acmeManager)
    expect(await subscribe(a, { deviceId: 'pile-02' })).toEqual({ ok: true })
    expect(await subscribe(b, { siteId: 'acme-shed' })).toEqual({ ok: true })
    const watched = await gauge()
    expect(watched).toBe(before + 1)
    const gotA = next(a, 'reading')
    const gotB = next(b, 'reading')
    await device.publishAsync('devices/pile-02/telemetry', pileReading(1), { qos: 1 })
    const [ra, rb] = await Promise.all([gotA, gotB])
    expect(ra).toMatchObject({
      deviceId: 'pile-02',
      siteId: 'acme-shed',
      kind: 'charging-pile',
      reading: { seq: 1 },
    })
    expect(rb).toEqual(ra)
    a.disconnect()
    // still watched by b (site subscription)
    await expect.poll(gauge).toBe(watched)
    b.disconnect()
    await expect.poll(gauge).toBe(before)
  })

  it('sends a burst of readings in order, several per engine.io flush (one corked write) instead of one each', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { deviceId: 'pile-02' })).toEqual({ ok: true })
    // engine.io hands the packets it holds to the transport in one `flush`; each used to carry one reading
    let flushes = 0
    const onFlush = (conn: { id: string }) => {
      if (conn.id === s.io.engine.id) flushes++
    }
    h.api.io.engine.on('flush', onFlush)
    const seqs: number[] = []
    const all = new Promise<void>((resolve) =>
      s.on('reading', (msg) => {
        seqs.push(msg.reading.seq)
        if (seqs.length === 40) resolve()
      }),
    )
    for (let seq = 100; seq < 140; seq++)
      device.publish('devices/pile-02/telemetry', pileReading(seq), { qos: 0 })
    await all
    h.api.io.engine.off('flush', onFlush)
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i))
    expect(flushes).toBeLessThan(20)
    s.disconnect()
  })

  it('skips a reading nested thousands deep and delivers the readings around it (the encoder used to overflow and end the process)', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { deviceId: 'pile-02' })).toEqual({ ok: true })
    const seqs: number[] = []
    s.on('reading', (msg) => seqs.push(msg.reading.seq))
    const deep = JSON.parse(pileReading(201)) as Record<string, unknown>
    // ~14 KB, within the protocol's size limit; extension fields are allowed, nesting this deep is not
    const nested = `${JSON.stringify(deep).slice(0, -1)},"x":${'['.repeat(7000)}0${']'.repeat(7000)}}`
    device.publish('devices/pile-02/telemetry', pileReading(200), { qos: 0 })
    device.publish('devices/pile-02/telemetry', nested, { qos: 0 })
    device.publish('devices/pile-02/telemetry', pileReading(202), { qos: 0 })
    await until(() => seqs.includes(202), { what: 'the reading after the deep one' })
    expect(seqs.filter((q) => q >= 200)).toEqual([200, 202])
    s.disconnect()
  })

  it('looks a device up in the registry once per burst of its readings, not once per reading', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { deviceId: 'pile-02' })).toEqual({ ok: true })
    const findDevice = h.registry.findDevice
    let lookups = 0
    h.registry.findDevice = (id, opts) => {
      if (id === 'pile-02') lookups++
      return findDevice(id, opts)
    }
    try {
      let got = 0
      const all = new Promise<void>((resolve) =>
        s.on('reading', () => {
          if (++got === 40) resolve()
        }),
      )
      for (let seq = 200; seq < 240; seq++)
        device.publish('devices/pile-02/telemetry', pileReading(seq), { qos: 0 })
      await all
      // the cache's 2 s may run out once during the burst on a slow machine
      expect(lookups).toBeLessThanOrEqual(2)
    } finally {
      h.registry.findDevice = findDevice
      s.disconnect()
    }
  })

  it('extends a site subscription to a device provisioned after it', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { siteId: 'acme-shed' })).toEqual({ ok: true })
    const res = await h.call('POST', '/api/v1/devices', {
      token: tokens.acmeManager,
      body: { id: 'pile-new', kind: 'charging-pile', siteId: 'acme-shed' },
    })
    expect(res.status).toBe(201)
    const got = next(s, 'reading')
    await device.publishAsync('devices/pile-new/telemetry', pileReading(3), { qos: 1 })
    expect(await got).toMatchObject({ deviceId: 'pile-new', reading: { seq: 3 } })
    s.disconnect()
  })

  it('delivers events to a site subscriber', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { siteId: 'acme-shed' })).toEqual({ ok: true })
    const got = next(s, 'event')
    const ev = { ts: Date.now(), seq: 9, kind: 'charging-pile', event: 'smoke_detected' }
    await device.publishAsync('devices/pile-01/events', JSON.stringify(ev), { qos: 1 })
    const msg = await got
    expect(msg).toMatchObject({
      deviceId: 'pile-01',
      siteId: 'acme-shed',
      event: { event: 'smoke_detected', seq: 9 },
    })
  })

  it.each([
    ['another tenant’s device', { deviceId: 'bravo-pile' }, 'NOT_FOUND'],
    ['another tenant’s site', { siteId: 'bravo-shed' }, 'NOT_FOUND'],
    ['an unknown device', { deviceId: 'ghost-01' }, 'NOT_FOUND'],
    ['a malformed target', { deviceId: 'a b' }, 'BAD_REQUEST'],
    ['alerts of some other kind', { alerts: 'mine' }, 'BAD_REQUEST'],
    ['a site and alerts at once', { siteId: 'acme-shed', alerts: 'all' }, 'BAD_REQUEST'],
  ])('refuses to subscribe to %s', async (_n, target, code) => {
    const s = await connected(tokens.acmeViewer)
    const ack = await subscribe(s, target as { deviceId: string })
    expect(ack).toMatchObject({ ok: false, error: code })
  })

  it.each(['subscribe', 'unsubscribe'] as const)(
    'answers a %s that names no target with BAD_REQUEST, instead of leaving its ack unanswered',
    async (event) => {
      const s = await connected(tokens.acmeViewer)
      // socket.io hands the ack over as the first argument when the client sends nothing else
      const emit = s.timeout(10_000).emitWithAck as unknown as (ev: string) => Promise<unknown>
      const ack = await emit.call(s.timeout(10_000), event)
      expect(ack).toMatchObject({
        ok: false,
        error: 'BAD_REQUEST',
        message: expect.stringContaining('siteId'),
      })
      expect(s.connected).toBe(true)
    },
  )

  it('sends alerts to the rooms of the alert’s device and site', async () => {
    const s = await connected(tokens.acmeViewer)
    await subscribe(s, { siteId: 'acme-shed' })
    const got = next(s, 'alert')
    const now = Date.now()
    const alert: LiveAlert = {
      id: 'al-1',
      type: 'smoke',
      severity: 'critical' as const,
      state: 'active' as const,
      deviceId: 'pile-01',
      siteId: 'acme-shed',
      message: 'smoke in Shed A',
      raisedAt: now,
      count: 1,
      updatedAt: now,
    }
    h.api.live.emitAlert(alert)
    expect(await got).toEqual(alert)
  })

  it('sends { alerts: "all" } every alert of its tenant, of a site created after it subscribed too, and no other tenant’s', async () => {
    const viewer = await connected(tokens.acmeViewer)
    const admin = await connected(
      h.registry.createToken({ tenantId: null, role: 'admin', name: 'every tenant' }).token,
    )
    for (const s of [viewer, admin]) expect(await subscribe(s, { alerts: 'all' })).toEqual({ ok: true })
    const seen = { viewer: [] as string[], admin: [] as string[] }
    viewer.on('alert', (a) => seen.viewer.push(a.id))
    admin.on('alert', (a) => seen.admin.push(a.id))
    const res = await h.call('POST', '/api/v1/sites', {
      token: tokens.acmeManager,
      body: { name: 'Shed C', community: 'Garden Court', kind: 'charging-shed' },
    })
    expect(res.status).toBe(201)
    const annex = (res.body as { id: string }).id
    const now = Date.now()
    const alertAt = (id: string, siteId: string, deviceId: string): LiveAlert => ({
      id,
      type: 'port_fault',
      severity: 'critical',
      state: 'active',
      deviceId,
      siteId,
      message: 'port 1 fault',
      raisedAt: now,
      count: 1,
      updatedAt: now,
    })
    // in the service's order: the other tenant's alert would come first if it came at all
    h.api.live.emitAlert(alertAt('al-bravo', 'bravo-shed', 'bravo-pile'))
    const got = next(viewer, 'alert')
    h.api.live.emitAlert(alertAt('al-annex', annex, 'pile-annex'))
    expect(await got).toMatchObject({ id: 'al-annex', siteId: annex })
    expect(seen.viewer).toEqual(['al-annex'])
    await pollUntil(async () => seen.admin.length === 2, { what: 'both alerts at the admin' })
    expect(seen.admin).toEqual(['al-bravo', 'al-annex'])

    // unsubscribed: quiet again (a later alert to a site it now watches comes alone)
    expect(await viewer.timeout(10_000).emitWithAck('unsubscribe', { alerts: 'all' })).toEqual({ ok: true })
    expect(await subscribe(viewer, { siteId: 'acme-shed' })).toEqual({ ok: true })
    const after = next(viewer, 'alert')
    h.api.live.emitAlert(alertAt('al-annex-2', annex, 'pile-annex'))
    h.api.live.emitAlert(alertAt('al-shed', 'acme-shed', 'pile-01'))
    expect(await after).toMatchObject({ id: 'al-shed' })
  })

  it('sends an alert once to a socket that watches both its site and all alerts', async () => {
    const s = await connected(tokens.acmeViewer)
    expect(await subscribe(s, { siteId: 'acme-shed' })).toEqual({ ok: true })
    expect(await subscribe(s, { alerts: 'all' })).toEqual({ ok: true })
    const seen: string[] = []
    s.on('alert', (a) => seen.push(a.id))
    const now = Date.now()
    for (const id of ['al-both-1', 'al-both-2'])
      h.api.live.emitAlert({
        id,
        type: 'smoke',
        severity: 'critical',
        state: 'active',
        deviceId: 'pile-01',
        siteId: 'acme-shed',
        message: 'smoke in Shed A',
        raisedAt: now,
        count: 1,
        updatedAt: now,
      })
    await pollUntil(async () => seen.includes('al-both-2'), { what: 'the second alert' })
    expect(seen).toEqual(['al-both-1', 'al-both-2'])
  })
})

describe('revocation', () => {
  it.each([
    ['decommissioning', 'DELETE', '/api/v1/devices/pile-02'],
    ['rotating the secret of', 'POST', '/api/v1/devices/pile-01/rotate-secret'],
  ])('publishes $courtyard/revoke when %s a device', async (_n, method, path) => {
    const { client, message } = await nextOn(REVOKE_TOPIC)
    try {
      const res = await h.call(method, path, { token: tokens.acmeManager })
      expect(res.status).toBe(200)
      expect(JSON.parse(await message)).toEqual({ deviceId: path.split('/')[4] })
    } finally {
      await client.endAsync(true)
    }
  })
})
