// Bad input gets a clear reason and loses nothing: malformed messages interleaved with valid ones,
// through the real broker, spool, ingest and InfluxDB.
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest'
import { circuitReading } from '../support/device-publisher.ts'
import { influxQuery, rows } from '../support/influx-query.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const influxUrl = inject('influxUrl')
const db = 'bad_input_e2e'

function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels))
  return line ? Number(line.split(' ').pop()) : 0
}

describe('a stream of valid and malformed messages', () => {
  let svc: ServiceProcess
  beforeAll(async () => {
    svc = await createServiceProcess({ influxUrl, db })
    await svc.start()
  })
  afterAll(async () => {
    await svc?.kill('SIGTERM')
  })

  it('stores every valid message, counts every bad one by reason, and creates no extra point or series', async () => {
    onTestFailed(() => console.error(svc.output()))
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Block 3',
      community: 'Willow Court',
      kind: 'building',
    })
    const dev = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'circuit-bad-1',
      kind: 'circuit-monitor',
      siteId: site.id,
    })
    const now = Date.now()
    const valid = (seq: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ ...circuitReading(seq, now - 60_000 * (20 - seq)), ...extra })
    const hostile = 'B3\nstairwell,evil=1 injected=1i 17000\n"quoted" \\ b=s'
    // an event keeps fields of its own, stored as JSON: nested 5,000 deep (~10 KB) that used to overflow
    // the encoder and stop ingest for good, the spool's checkpoint held before it across restarts
    const nest = (n: number) => `${'['.repeat(n)}0${']'.repeat(n)}`
    const deepEvent = `{"ts":${now},"seq":10,"kind":"circuit-monitor","event":"reboot","reason":"watchdog","x":${nest(5000)}}`
    const notUtf8 = Buffer.from(valid(11).replace('"powerW"', '"\u00ff"'), 'latin1')
    const stream: [string, string | Buffer, ('telemetry' | 'events')?][] = [
      ['valid', valid(0)],
      ['invalid_json', '{"ts": 1, "seq": '],
      ['valid', valid(1)],
      ['schema', JSON.stringify({ ts: now, seq: 2, kind: 'circuit-monitor', voltageV: 'high' })],
      ['valid', valid(3, { circuit: hostile })],
      ['schema', valid(4).replace('"powerW":44', '"powerW":1e999')],
      ['kind_mismatch', JSON.stringify({ ...circuitReading(5, now), kind: 'daycare-sensor' })],
      ['ts_future', JSON.stringify(circuitReading(6, now + 3_600_000))],
      ['ts_too_old', JSON.stringify(circuitReading(7, now - 40 * 86_400_000))],
      ['payload_too_large', valid(8, { pad: 'x'.repeat(20_000) })],
      ['too_deep', deepEvent, 'events'],
      ['invalid_utf8', notUtf8],
      ['valid', valid(9)],
    ]
    const client = await mqtt.connectAsync(svc.mqttUrl, {
      clientId: dev.id,
      username: dev.id,
      password: dev.secret,
    })
    for (const [, payload, channel = 'telemetry'] of stream) {
      await client.publishAsync(`devices/${dev.id}/${channel}`, payload, { qos: 1 })
    }
    // the connection survived every bad message
    expect(client.connected).toBe(true)
    await client.endAsync()

    const stored = await pollUntil(
      async () => {
        const r = rows(
          await influxQuery(influxUrl, db, 'SELECT * FROM "circuit" WHERE "device" = $d', { d: dev.id }),
        )
        return r.length >= 4 ? r : undefined
      },
      { what: 'the 4 valid readings' },
    )
    expect(stored.map((r) => r.seq)).toEqual([0, 1, 3, 9])
    // the hostile string is kept as a field value, its newlines neutralised
    expect(String(stored[2]?.circuit)).toContain('stairwell,evil=1 injected=1i')
    expect(String(stored[2]?.circuit)).toContain('"quoted"')

    const measurements = rows(await influxQuery(influxUrl, db, 'SHOW MEASUREMENTS')).map((r) => r.name)
    expect(measurements.filter((m) => m !== 'device_status')).toEqual(['circuit'])
    const series = rows(await influxQuery(influxUrl, db, 'SHOW SERIES FROM "circuit"'))
    expect(series).toHaveLength(1)
    const all = rows(await influxQuery(influxUrl, db, 'SELECT count("seq") FROM "circuit"'))
    expect(all[0]?.count).toBe(4)

    const expected: Record<string, number> = {}
    for (const [reason] of stream) if (reason !== 'valid') expected[reason] = (expected[reason] ?? 0) + 1
    const text = await pollUntil(
      async () => {
        const t = await (await fetch(`${svc.httpUrl}/metrics`)).text()
        return metricValue(t, 'courtyard_ingest_rejected_total', 'reason="invalid_utf8"') >= 1 ? t : undefined
      },
      { what: 'rejection metrics' },
    )
    for (const [reason, n] of Object.entries(expected)) {
      expect(metricValue(text, 'courtyard_ingest_rejected_total', `reason="${reason}"`), reason).toBe(n)
    }
    // the reason and device are in the log too
    expect(svc.output()).toMatch(/circuit-bad-1[^\n]*kind_mismatch|kind_mismatch[^\n]*circuit-bad-1/)
  })
})
