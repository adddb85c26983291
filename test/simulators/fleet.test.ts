import mqtt from 'mqtt'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_AGE_MS } from '../../domain/protocol.ts'
import { createDeviceModel } from '../../simulators/devices/create-device-model.ts'
import { sizedEstate } from '../../simulators/estate.ts'
import { startFleet } from '../../simulators/fleet.ts'
import { planScenarios } from '../../simulators/scenarios.ts'
import {
  type BrokerHarness,
  pollUntil,
  type Recorder,
  startAckDelayProxy,
  startBroker,
  startRecorder,
} from './mqtt-harness.ts'
import { protocolError } from './support.ts'

const log = pino({ level: 'silent' })
const MIN = 60_000

let broker: BrokerHarness
let recorder: Recorder
beforeAll(async () => {
  broker = await startBroker()
  recorder = await startRecorder(broker.url)
})
afterAll(async () => {
  await recorder?.close()
  await broker?.close()
})

describe('fleet runner against a real aedes broker', () => {
  it('delivers every reading of 50 backfilling devices with consecutive seq, valid payloads and past ts', async () => {
    const devices = sizedEstate({ piles: 10, circuits: 20, sensors: 12, displays: 8 }, 1, {
      prefix: 'bf',
    }).devices
    expect(devices).toHaveLength(50)
    const t0 = Date.now()
    const fleet = startFleet({
      url: broker.url,
      devices,
      seed: 1,
      log,
      backfillMs: 60 * MIN,
      endMs: t0,
      now: () => t0,
      maxInFlightPerDevice: 4,
      maxInFlight: 64,
      connectSpreadMs: 300,
    })
    await fleet.done
    const stats = fleet.stats()
    expect(stats.acked).toBe(stats.published)
    expect(stats.inFlightHighWater).toBeLessThanOrEqual(64)
    expect(stats.inFlightPerDeviceHighWater).toBeLessThanOrEqual(4)
    const data = () => recorder.messages.filter((m) => m.deviceId.startsWith('bf-') && m.channel !== 'status')
    await pollUntil(
      () => data().length >= stats.acked,
      30_000,
      'every acknowledged message at the subscriber',
    )
    expect(data()).toHaveLength(stats.acked)

    for (const d of devices) {
      const mine = data().filter((m) => m.deviceId === d.id)
      const bodies = mine.map((m) => JSON.parse(m.payload) as { seq: number; ts: number })
      expect(bodies.map((b) => b.seq)).toEqual(bodies.map((_, i) => i))
      const readings = mine
        .filter((m) => m.channel === 'telemetry')
        .map((m) => JSON.parse(m.payload) as { ts: number })
      // one reading per 60 s interval over the hour, each with its real past ts
      expect(readings).toHaveLength(60)
      for (const r of readings) expect(r.ts).toBeGreaterThanOrEqual(t0 - 60 * MIN)
      for (const r of readings) expect(r.ts).toBeLessThan(t0)
      for (const m of mine)
        expect(protocolError(d.kind, m.channel as 'telemetry', JSON.parse(m.payload))).toBeUndefined()
    }
    await fleet.stop()
    // a clean stop says offline itself (retained)
    const last = recorder.of(devices[0]?.id as string, 'status').at(-1)
    expect(last?.payload).toBe('offline')
  })

  it('drops the connection without DISCONNECT so the Will fires, then resends the buffered readings in order', async () => {
    const devices = sizedEstate({ piles: 0, circuits: 3, sensors: 0, displays: 0 }, 2, {
      prefix: 'off',
      reportIntervalS: 1,
    }).devices
    const target = devices[0]?.id as string
    const t0 = Date.now()
    const plan = planScenarios(devices, ['offline'], 2, t0, t0 + 60_000, { share: 0 })
    // the planner picks the time; the test pins it so the outage falls early and lasts 3 readings
    const offline = { startMs: t0 + 2500, endMs: t0 + 5500 }
    plan.set(target, { injections: [], malformed: [], offline: [offline] })
    const fleet = startFleet({
      url: broker.url,
      devices,
      seed: 2,
      log,
      plan,
      connectSpreadMs: 0,
      reconnectBaseMs: 200,
    })
    try {
      await pollUntil(
        () => recorder.of(target, 'status').some((m) => m.payload === 'offline'),
        15_000,
        'the Will',
      )
      const willAt = Date.now()
      await pollUntil(
        () =>
          recorder
            .of(target, 'telemetry')
            .some((m) => m.receivedAt > willAt && m.receivedAt - JSON.parse(m.payload).ts > 1500),
        15_000,
        'buffered readings after the outage',
      )
      await pollUntil(
        () => recorder.of(target, 'telemetry').filter((m) => m.receivedAt > willAt).length >= 5,
        15_000,
        'live readings again',
      )
      const statuses = recorder.of(target, 'status').map((m) => m.payload)
      expect(statuses.slice(statuses.indexOf('offline'))).toContain('online')
      const seqs = recorder.of(target, 'telemetry').map((m) => JSON.parse(m.payload).seq as number)
      // QoS 1 may redeliver a message whose PUBACK was lost with the socket; nothing is missing or reordered
      const unique = seqs.filter((s, i) => i === 0 || s !== seqs[i - 1])
      expect(unique).toEqual(unique.map((_, i) => i))
      const ts = recorder.of(target, 'telemetry').map((m) => JSON.parse(m.payload).ts as number)
      // one reading per second kept being taken while offline
      expect(ts.filter((t) => t >= offline.startMs && t < offline.endMs).length).toBeGreaterThanOrEqual(2)
      const stats = fleet.stats()
      expect(stats.offlinePeriods).toBe(1)
      expect(stats.reconnects).toBeGreaterThanOrEqual(1)
    } finally {
      await fleet.stop()
    }
  })

  it('runs the models on a simulated clock: readings as at that time with real ts, the plan moved to real time', async () => {
    const devices = sizedEstate({ piles: 0, circuits: 1, sensors: 1, displays: 0 }, 3, {
      prefix: 'simclk',
      reportIntervalS: 1,
    }).devices
    // Monday 2026-04-27, 09:00 in Shanghai: the day-care room is full whenever the test runs
    const simStartMs = Date.UTC(2026, 3, 27, 1)
    const t0 = Date.now()
    const shift = t0 - simStartMs
    const room = devices.find((d) => d.kind === 'daycare-sensor')?.id as string
    // planned on the simulated clock, as `npm run simulate` plans it: an outage 1.5 s into the run
    const plan = planScenarios(devices, [], 3, simStartMs, simStartMs + MIN)
    plan.set(room, {
      injections: [],
      malformed: [],
      offline: [{ startMs: simStartMs + 1500, endMs: simStartMs + 2500 }],
    })
    const fleet = startFleet({
      url: broker.url,
      devices,
      seed: 3,
      log,
      plan,
      startMs: t0,
      simStartMs,
      endMs: t0 + 5000,
      connectSpreadMs: 0,
      reconnectBaseMs: 200,
    })
    try {
      await fleet.done
      const stats = fleet.stats()
      expect(stats.offlinePeriods).toBe(1)
      await pollUntil(
        () => devices.every((d) => recorder.of(d.id, 'telemetry').length >= 5),
        10_000,
        'five readings of each device',
      )
    } finally {
      await fleet.stop()
    }
    for (const d of devices) {
      // a reading a lost PUBACK had resent counts once
      const got = recorder
        .of(d.id, 'telemetry')
        .map((m) => JSON.parse(m.payload) as { ts: number; seq: number })
        .filter((b, i, all) => i === 0 || b.seq !== all[i - 1]?.seq)
      expect(got).toHaveLength(5)
      for (const b of got) {
        expect(b.ts).toBeGreaterThanOrEqual(t0)
        expect(b.ts).toBeLessThan(t0 + 5000)
      }
      // the same model stepped at the simulated times says the same, bar ts
      const model = createDeviceModel(d, 3)
      const expected = got.map((b) => ({ ...model.step(b.ts - shift)[0]?.body, ts: b.ts }))
      expect(got).toEqual(expected)
    }
    const occupancy = recorder.of(room, 'telemetry').map((m) => JSON.parse(m.payload).occupancy as number)
    expect(Math.min(...occupancy)).toBeGreaterThan(0)
  })

  it('answers commands on commands/ack, applying the ones it understands', async () => {
    const devices = sizedEstate({ piles: 1, circuits: 0, sensors: 0, displays: 0 }, 4, {
      prefix: 'cmd',
      reportIntervalS: 1,
    }).devices
    const id = devices[0]?.id as string
    const fleet = startFleet({ url: broker.url, devices, seed: 4, log, connectSpreadMs: 0 })
    const operator = await mqtt.connectAsync(broker.url, { clientId: 'operator', reconnectPeriod: 0 })
    try {
      await pollUntil(
        () => recorder.of(id, 'status').some((m) => m.payload === 'online'),
        10_000,
        'the pile online',
      )
      await operator.publishAsync(
        `devices/${id}/commands`,
        JSON.stringify({ id: 'c-1', name: 'disable_port', args: { port: 2 } }),
        { qos: 1 },
      )
      await operator.publishAsync(`devices/${id}/commands`, '{"id":"c-2","name":"self_destruct","args":{}}', {
        qos: 1,
      })
      // protocol v1.1: past its expiresAt a command is answered but not run
      const ts = Date.now() - 60_000
      await operator.publishAsync(
        `devices/${id}/commands`,
        JSON.stringify({ id: 'c-3', name: 'disable_port', args: { port: 3 }, ts, expiresAt: ts + 10_000 }),
        { qos: 1 },
      )
      await pollUntil(() => recorder.of(id, 'commands/ack').length >= 3, 10_000, 'three acks')
      const acks = recorder.of(id, 'commands/ack').map((m) => JSON.parse(m.payload))
      expect(acks).toContainEqual({ id: 'c-1', ok: true })
      expect(acks).toContainEqual({ id: 'c-2', ok: false, error: 'malformed command' })
      expect(acks).toContainEqual({ id: 'c-3', ok: false, error: 'expired' })
      // the disabled port shows up in the next reading
      const ackedAt = Date.now()
      await pollUntil(
        () =>
          recorder
            .of(id, 'telemetry')
            .some((m) => m.receivedAt > ackedAt && JSON.parse(m.payload).ports[1].state === 'disabled'),
        10_000,
        'port 2 disabled in telemetry',
      )
      const reading = recorder
        .of(id, 'telemetry')
        .findLast((m) => m.receivedAt > ackedAt && JSON.parse(m.payload).ports[1].state === 'disabled')
      expect(JSON.parse(reading?.payload ?? '{}').ports[2].state).not.toBe('disabled')
    } finally {
      await operator.endAsync()
      await fleet.stop()
    }
  })

  it('answers a repeated command id again without running it again (protocol: Commands)', async () => {
    const devices = sizedEstate({ piles: 1, circuits: 0, sensors: 0, displays: 0 }, 5, {
      prefix: 'dup',
      reportIntervalS: 1,
    }).devices
    const id = devices[0]?.id as string
    const fleet = startFleet({ url: broker.url, devices, seed: 5, log, connectSpreadMs: 0 })
    const operator = await mqtt.connectAsync(broker.url, { clientId: 'operator-dup', reconnectPeriod: 0 })
    const send = (cmd: object) =>
      operator.publishAsync(`devices/${id}/commands`, JSON.stringify(cmd), { qos: 1 })
    try {
      await pollUntil(
        () => recorder.of(id, 'status').some((m) => m.payload === 'online'),
        10_000,
        'the pile online',
      )
      await send({ id: 'd-1', name: 'disable_port', args: { port: 2 } })
      await send({ id: 'd-2', name: 'enable_port', args: { port: 2 } })
      // d-1 again (a redelivery, a retry): answered as before, port 2 stays enabled
      await send({ id: 'd-1', name: 'disable_port', args: { port: 2 } })
      await pollUntil(() => recorder.of(id, 'commands/ack').length >= 3, 10_000, 'three acks')
      const acks = recorder.of(id, 'commands/ack').map((m) => JSON.parse(m.payload))
      expect(acks).toEqual([
        { id: 'd-1', ok: true },
        { id: 'd-2', ok: true },
        { id: 'd-1', ok: true },
      ])
      const ackedAt = Date.now()
      await pollUntil(
        () => recorder.of(id, 'telemetry').filter((m) => m.receivedAt > ackedAt).length >= 2,
        10_000,
        'readings after the acks',
      )
      const after = recorder.of(id, 'telemetry').filter((m) => m.receivedAt > ackedAt)
      for (const m of after) expect(JSON.parse(m.payload).ports[1].state).not.toBe('disabled')
    } finally {
      await operator.endAsync()
      await fleet.stop()
    }
  })

  it('sends the whole backfill asked for, beyond what a device keeps through an outage', async () => {
    const devices = sizedEstate({ piles: 0, circuits: 1, sensors: 0, displays: 0 }, 6, {
      prefix: 'hist',
      reportIntervalS: 10,
    }).devices
    const t0 = Date.now()
    const fleet = startFleet({
      url: broker.url,
      devices,
      seed: 6,
      log,
      backfillMs: 60 * MIN,
      endMs: t0,
      now: () => t0,
      // what the default (50,000 readings) is to a 30-day backfill at 10 s: less than the history
      maxBacklog: 100,
      connectSpreadMs: 0,
    })
    try {
      await fleet.done
      expect(fleet.stats()).toMatchObject({ published: 360, acked: 360, dropped: 0 })
      const id = devices[0]?.id as string
      await pollUntil(() => recorder.of(id, 'telemetry').length >= 360, 10_000, 'the hour at the subscriber')
      const ts = recorder.of(id, 'telemetry').map((m) => JSON.parse(m.payload).ts as number)
      expect(ts[0]).toBeLessThan(t0 - 59 * MIN)
      expect(ts.slice(1).every((t, i) => t - (ts[i] as number) === 10_000)).toBe(true)
    } finally {
      await fleet.stop()
    }
  })

  it('never sends a backfilled reading older than the protocol takes when it is sent (30 days)', async () => {
    const devices = sizedEstate({ piles: 0, circuits: 1, sensors: 0, displays: 0 }, 7, {
      prefix: 'aged',
      reportIntervalS: 3600,
    }).devices
    const t0 = Date.now()
    // the clock the readings are sent by: the backfill took 2 hours to get going (a large fleet)
    let clock = t0
    const fleet = startFleet({
      url: broker.url,
      devices,
      seed: 7,
      log,
      backfillMs: MAX_AGE_MS,
      endMs: t0,
      now: () => clock,
      connectSpreadMs: 0,
    })
    clock = t0 + 120 * MIN
    try {
      await fleet.done
      const id = devices[0]?.id as string
      const stats = fleet.stats()
      await pollUntil(() => recorder.of(id, 'telemetry').length >= stats.acked, 10_000, 'every reading')
      const ts = recorder.of(id, 'telemetry').map((m) => JSON.parse(m.payload).ts as number)
      expect(Math.min(...ts)).toBeGreaterThanOrEqual(clock - MAX_AGE_MS)
      // the two hours' worth that aged out were dropped and counted, the rest sent
      expect(stats.dropped).toBe(2)
      expect(stats.acked).toBe(720 - 2)
    } finally {
      await fleet.stop()
    }
  })

  it('never has more unacknowledged publishes on the wire than its per-device and fleet windows', async () => {
    const proxy = await startAckDelayProxy(broker.port, 15)
    const devices = sizedEstate({ piles: 0, circuits: 12, sensors: 0, displays: 0 }, 3, {
      prefix: 'win',
    }).devices
    const t0 = Date.now()
    const fleet = startFleet({
      url: proxy.url,
      devices,
      seed: 3,
      log,
      backfillMs: 30 * MIN,
      endMs: t0,
      now: () => t0,
      maxInFlightPerDevice: 3,
      maxInFlight: 20,
      connectSpreadMs: 0,
    })
    try {
      await fleet.done
      expect(fleet.stats().acked).toBe(12 * 30)
      expect(proxy.maxPerConnection).toBeLessThanOrEqual(3)
      expect(proxy.maxTotal).toBeLessThanOrEqual(20)
      // the windows were actually exercised: several devices had publishes outstanding at once
      expect(proxy.maxTotal).toBeGreaterThan(3)
    } finally {
      await fleet.stop()
      await proxy.close()
    }
  })
})
