// Provision through the API → the simulated fleet (all four kinds) publishes an hour of backfill with its
// own credentials → every reading is in InfluxDB with the right tags and timestamps, and the API serves it.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type DeviceSpec, provisionEstate, sizedEstate, startFleet } from '../../simulators/index.ts'
import { influxQuery, rows } from '../support/influx-query.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const influxUrl = inject('influxUrl')
const db = 'fleet_e2e'
const MEASUREMENT: Record<string, string> = {
  'charging-pile': 'pile',
  'circuit-monitor': 'circuit',
  'daycare-sensor': 'daycare',
  'outdoor-display': 'display',
}

describe('a simulated fleet provisioned through the API', () => {
  let svc: ServiceProcess
  let devices: DeviceSpec[]
  const start = Date.now() - 3600_000

  beforeAll(async () => {
    svc = await createServiceProcess({ influxUrl, db })
    await svc.start()
    const estate = sizedEstate({ piles: 2, circuits: 4, sensors: 3, displays: 2 }, 7, { reportIntervalS: 60 })
    devices = await provisionEstate(svc.httpUrl, svc.adminToken, estate, { tenantId: 'fleet-co' })
    const fleet = startFleet({
      url: svc.mqttUrl,
      devices,
      seed: 7,
      log: pino({ level: 'silent' }),
      backfillMs: Date.now() - start,
      endMs: Date.now(),
    })
    await fleet.done
    await fleet.stop(1000)
  })
  afterAll(async () => {
    await svc?.kill('SIGTERM')
  })

  it('stores every reading of every device, tagged from the registry, each seq once', async () => {
    expect(devices).toHaveLength(11)
    for (const d of devices) {
      const series = await pollUntil(
        async () => {
          const r = rows(
            await influxQuery(influxUrl, db, `SELECT * FROM "${MEASUREMENT[d.kind]}" WHERE "device" = $d`, {
              d: d.id,
            }),
          )
          // one reading a minute for the hour (±1 at the edges)
          return r.length >= 59 ? r : undefined
        },
        { what: `an hour of readings of ${d.id}` },
      )
      expect(series[0]).toMatchObject({ device: d.id, site: d.siteId, tenant: 'fleet-co' })
      const seqs = series.map((r) => Number(r.seq))
      expect(new Set(seqs).size).toBe(seqs.length)
      const times = series.map((r) => Number(r.time))
      expect(Math.min(...times)).toBeGreaterThanOrEqual(start - 60_000)
      expect(Math.max(...times)).toBeLessThanOrEqual(Date.now())
    }
  })

  it('serves the readings through the API, downsampled with `every`', async () => {
    const pile = devices.find((d) => d.kind === 'charging-pile')!
    const res = await api<{ points: { ts: number; value: number }[] }>(
      svc,
      'GET',
      `/api/v1/devices/${pile.id}/telemetry?field=feeder.powerW&from=${start}&every=10m`,
    )
    expect(res.points.length).toBeGreaterThanOrEqual(6)
    expect(res.points.every((p) => p.value === null || p.value >= 0)).toBe(true)
    const sensor = devices.find((d) => d.kind === 'daycare-sensor')!
    const co2 = await api<{ points: { value: number }[] }>(
      svc,
      'GET',
      `/api/v1/devices/${sensor.id}/telemetry?field=co2Ppm&from=${start}`,
    )
    expect(co2.points.length).toBeGreaterThanOrEqual(59)
    expect(co2.points.every((p) => p.value >= 350 && p.value < 5000)).toBe(true)
  })
})
