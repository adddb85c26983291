import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { config, count, newDb, newSpool, start } from './harness.ts'
import { append, circuitReading, device, memoryDirectory, silentLog, until } from './helpers.ts'

describe('startIngest with the real spool and a real InfluxDB', () => {
  it('stores every valid message of an interleaved stream and counts every bad one by reason', async () => {
    const influx = await newDb('stream')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([
      device('pile-1', 'charging-pile'),
      device('circ-1', 'circuit-monitor', 'site-2'),
      device('care-1', 'daycare-sensor'),
      device('disp-1', 'outdoor-display'),
      { ...device('old-1', 'circuit-monitor'), decommissionedAt: Date.now() - 1000 },
    ])
    const metrics = new Registry()
    const ingest = start({
      spool: reader,
      directory,
      influx,
      log: silentLog,
      metrics,
      config: config(dir),
      keepLatest: true,
    })
    const now = Date.now()
    const pile = {
      ts: now - 1000,
      seq: 881,
      kind: 'charging-pile',
      feeder: { voltageV: 229.6, currentA: 5.02, powerW: 1042, leakageMA: 4 },
      smoke: false,
      ports: [
        { port: 1, state: 'charging', powerW: 183.2, tempC: 38.1 },
        { port: 2, state: 'charging', powerW: 150, tempC: 30 },
      ],
    }
    const stream: [string, unknown][] = [
      ['devices/pile-1/telemetry', pile],
      ['devices/circ-1/telemetry', '{"ts":'],
      ['devices/circ-1/telemetry', circuitReading(now - 500, 17, 196)],
      ['devices/ghost-1/telemetry', circuitReading(now, 1, 10)],
      ['devices/care-1/telemetry', circuitReading(now, 2, 10)],
      ['devices/circ-1/telemetry', circuitReading(now + 3_600_000, 18, 10)],
      ['devices/circ-1/telemetry', circuitReading(now - 40 * 86_400_000, 19, 10)],
      [
        'devices/care-1/events',
        {
          ts: now - 200,
          seq: 5,
          kind: 'daycare-sensor',
          event: 'fall_detected',
          room: 'lounge',
          confidence: 0.9,
        },
      ],
      ['devices/disp-1/status', 'offline'],
      ['devices/disp-1/status', 'sleepy'],
      ['devices/circ-1/telemetry', { ...circuitReading(now, 20, 1), pad: 'x'.repeat(17_000) }],
      ['devices/care-1/telemetry', { ts: now, seq: 3, kind: 'daycare-sensor', co2Ppm: 'lots' }],
      ['devices/pile-1/commands/ack', { id: 'cmd-1', ok: true }],
      ['devices/circ-1/whatever', '{}'],
      ['devices/old-1/telemetry', circuitReading(now - 100, 7, 42)],
      [
        'devices/care-1/telemetry',
        { ts: now - 50, seq: 4, kind: 'daycare-sensor', room: 'lounge', co2Ppm: 812, occupancy: 14 },
      ],
    ]
    for (const [topic, payload] of stream) await append(writer, topic, payload)
    // ingest records its checkpoint once the reader's commit resolved: wait for both
    await until(
      () =>
        reader.backlogBytes() === 0 &&
        JSON.stringify(ingest.stats().committed) === JSON.stringify(reader.checkpoint()),
    )

    const stats = ingest.stats()
    expect(stats.rejectedByReason).toEqual({
      invalid_json: 1,
      unknown_device: 1,
      kind_mismatch: 1,
      ts_future: 1,
      ts_too_old: 1,
      invalid_status: 1,
      payload_too_large: 1,
      schema: 1,
      unknown_topic: 1,
    })
    expect(stats.byType).toEqual({ telemetry: 4, event: 1, status: 1, command_ack: 1 })
    expect(stats.messages).toBe(stream.length)
    expect(stats.rejectedByDevice['circ-1']).toMatchObject({ total: 5, lastReason: 'unknown_topic' })
    expect(stats.committed).toEqual(reader.checkpoint())

    const piles = await influx.query('SELECT * FROM pile')
    expect(piles[0]?.columns).toEqual(expect.arrayContaining(['community', 'device', 'site', 'tenant']))
    const row = Object.fromEntries(piles[0]!.columns.map((c, i) => [c, piles[0]!.values[0]![i]]))
    expect(row).toMatchObject({
      time: now - 1000,
      device: 'pile-1',
      site: 'site-1',
      tenant: 'tenant-1',
      community: 'community-1',
      seq: 881,
      'feeder.powerW': 1042,
      portsPowerW: 333.2,
      portsCharging: 2,
      unmeteredW: 1042 - 333.2,
      smoke: false,
    })
    // the sub-millisecond part of the timestamp carries seq: exactly this ns instant exists
    expect(await count(influx, `SELECT count(seq) FROM pile WHERE time = ${now - 1000}000881`)).toBe(1)
    const ports = await influx.query('SELECT tempC FROM pile_port GROUP BY port')
    expect(ports.map((s) => [s.tags?.port, s.values[0]?.[1]])).toEqual([
      ['1', 38.1],
      ['2', 30],
    ])
    const circuits = await influx.query('SELECT powerW, circuit FROM circuit GROUP BY device, site')
    expect(circuits.map((s) => [s.tags, s.values])).toEqual([
      [{ device: 'circ-1', site: 'site-2' }, [[now - 500, 196, 'B3-stairwell']]],
      [{ device: 'old-1', site: 'site-1' }, [[now - 100, 42, 'B3-stairwell']]],
    ])
    const events = await influx.query('SELECT confidence, room FROM device_event GROUP BY kind, event')
    expect(events.map((s) => [s.tags, s.values])).toEqual([
      [{ kind: 'daycare-sensor', event: 'fall_detected' }, [[now - 200, 0.9, 'lounge']]],
    ])
    const status = await influx.query('SELECT online FROM device_status GROUP BY device')
    expect(status.map((s) => [s.tags?.device, s.values[0]?.[1]])).toEqual([['disp-1', false]])
    const measurements = await influx.query('SHOW MEASUREMENTS')
    expect(measurements[0]?.values.flat()).toEqual([
      'circuit',
      'daycare',
      'device_event',
      'device_status',
      'pile',
      'pile_port',
    ])

    expect(ingest.latest('care-1')?.reading).toMatchObject({ co2Ppm: 812, seq: 4 })
    expect(ingest.latest('disp-1')).toMatchObject({ online: false })
    expect(ingest.latest('ghost-1')).toBeUndefined()

    const rejected = await metrics.getSingleMetric('courtyard_ingest_rejected_total')!.get()
    expect(rejected.values.find((v) => v.labels.reason === 'ts_future')?.value).toBe(1)
    const written = await metrics.getSingleMetric('courtyard_ingest_points_written_total')!.get()
    // pile + 2 ports + 2 circuits + 1 daycare + 1 event + 1 status
    expect(written.values[0]?.value).toBe(8)
  })

  it('stores a redelivered duplicate once and two events in the same millisecond twice', async () => {
    const influx = await newDb('dup')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('pile-2', 'charging-pile')])
    const ingest = start({
      spool: reader,
      directory,
      influx,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir),
    })
    const ts = Date.now() - 10
    const fault = { ts, seq: 100, kind: 'charging-pile', event: 'port_fault', port: 3, code: 'leakage' }
    await append(writer, 'devices/pile-2/events', fault)
    await append(writer, 'devices/pile-2/events', fault)
    await append(writer, 'devices/pile-2/events', { ...fault, seq: 101, event: 'port_fault_cleared' })
    await until(() => reader.backlogBytes() === 0)
    expect(ingest.stats().byType.event).toBe(3)
    // started without keepLatest, as the service starts it: no state kept per device
    expect(ingest.latest('pile-2')).toBeUndefined()
    expect(await count(influx, 'SELECT count(seq) FROM device_event')).toBe(2)
    const rows = await influx.query('SELECT seq FROM device_event GROUP BY event')
    expect(rows.map((s) => [s.tags?.event, s.values])).toEqual([
      ['port_fault', [[ts, 100]]],
      ['port_fault_cleared', [[ts, 101]]],
    ])
  })

  it('stores and commits what follows a message set aside when the rejected-message listener throws', async () => {
    // the service tells the demo's terminal reminder of each message set aside: should that listener
    // throw, ingest counts the message and goes on with the next one
    const influx = await newDb('listener')
    const { dir, writer, reader } = await newSpool()
    const ingest = start({
      spool: reader,
      directory: memoryDirectory([device('circ-8', 'circuit-monitor')]),
      influx,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir),
      onRejected: () => {
        throw new Error('terminal gone')
      },
    })
    const t0 = Date.now() - 1000
    await append(writer, 'devices/circ-8/telemetry', '{"broken')
    for (let i = 0; i < 3; i++) await append(writer, 'devices/circ-8/telemetry', circuitReading(t0 + i, i, i))
    await append(writer, 'devices/circ-8/telemetry', '{"broken again')
    await until(
      () =>
        reader.backlogBytes() === 0 &&
        JSON.stringify(ingest.stats().committed) === JSON.stringify(reader.checkpoint()),
    )
    expect(ingest.stats()).toMatchObject({ rejected: 2, byType: { telemetry: 3 } })
    expect(ingest.health().ok).toBe(true)
    expect(await count(influx, 'SELECT COUNT("powerW") FROM circuit')).toBe(3)
  })

  it('picks up a newly provisioned device within the cache TTL without a lookup per message', async () => {
    const influx = await newDb('provision')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-7', 'circuit-monitor')])
    const ingest = start({
      spool: reader,
      directory,
      influx,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir, { deviceCacheTtlMs: 200 }),
      keepLatest: true,
    })
    const t0 = Date.now() - 1000
    await append(writer, 'devices/new-1/telemetry', circuitReading(t0, 1, 1))
    for (let i = 0; i < 50; i++)
      await append(writer, 'devices/circ-7/telemetry', circuitReading(t0 + i, i, i))
    await until(() => reader.backlogBytes() === 0)
    expect(ingest.stats().rejectedByReason).toEqual({ unknown_device: 1 })
    expect(directory.lookups).toBeLessThan(10)
    directory.add(device('new-1', 'circuit-monitor'))
    await until(async () => {
      await append(writer, 'devices/new-1/telemetry', circuitReading(Date.now(), 2, 1))
      return ingest.latest('new-1') !== undefined
    })
  })

  it('looks a known device up once, however long it keeps sending: its registry tags do not change', async () => {
    const influx = await newDb('known')
    const { dir, writer, reader } = await newSpool()
    const directory = memoryDirectory([device('circ-8', 'circuit-monitor')])
    let clock = Date.now()
    const ingest = start({
      spool: reader,
      directory,
      influx,
      log: silentLog,
      metrics: new Registry(),
      config: config(dir, { deviceCacheTtlMs: 200 }),
      now: () => clock,
      keepLatest: true,
    })
    const t0 = Date.now() - 1000
    for (let i = 0; i < 20; i++) {
      // each reading comes more than the TTL after the previous one
      clock += 500
      await append(writer, 'devices/circ-8/telemetry', circuitReading(t0 + i, i, i))
      await until(() => ingest.latest('circ-8')?.reading?.seq === i)
    }
    expect(directory.lookups).toBe(1)
  })
})
