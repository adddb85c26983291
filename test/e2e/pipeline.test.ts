// The spine end to end, as `npm start` runs it: provision through the API, real devices publish over MQTT,
// readings land in InfluxDB with registry tags, and the API serves them back.
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { influxQuery, rows } from '../support/influx-query.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const influxUrl = inject('influxUrl')
const db = 'pipeline_e2e'

describe('pipeline: API → MQTT → spool → ingest → InfluxDB → API', () => {
  let svc: ServiceProcess
  let site: { id: string }
  let pile: { id: string; secret: string }
  const t0 = Date.now() - 10 * 60_000

  beforeAll(async () => {
    svc = await createServiceProcess({ influxUrl, db })
    await svc.start()
    site = await api(svc, 'POST', '/api/v1/sites', {
      name: 'Shed A',
      community: 'Maple Court',
      kind: 'charging-shed',
    })
    pile = await api(svc, 'POST', '/api/v1/devices', {
      id: 'pile-e2e-1',
      kind: 'charging-pile',
      siteId: site.id,
      reportIntervalS: 60,
    })
  })
  afterAll(async () => {
    await svc?.kill('SIGTERM')
  })

  it('returns the device secret once, at provisioning', async () => {
    expect(pile.secret).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    const listed = await api<{ id: string; secret?: string }>(svc, 'GET', `/api/v1/devices/${pile.id}`)
    expect(listed.id).toBe(pile.id)
    expect(listed.secret).toBeUndefined()
  })

  it('stores a pile reading with registry tags, per-port points and the reading time, and serves it back', async () => {
    const client = await mqtt.connectAsync(svc.mqttUrl, {
      clientId: pile.id,
      username: pile.id,
      password: pile.secret,
      will: { topic: `devices/${pile.id}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    await client.publishAsync(`devices/${pile.id}/status`, 'online', { qos: 1, retain: true })
    for (let seq = 0; seq < 5; seq++) {
      const reading = {
        ts: t0 + seq * 60_000,
        seq,
        kind: 'charging-pile',
        feeder: {
          voltageV: 229.6,
          currentA: 5.02,
          powerW: 1000 + seq,
          powerFactor: 0.91,
          energyKWh: 18342.7,
          leakageMA: 4,
        },
        ambientC: 24.5,
        smoke: false,
        ports: [
          { port: 1, state: 'charging', powerW: 183.2, currentA: 0.86, energyWh: 412, tempC: 38.1 + seq },
          { port: 2, state: 'idle', powerW: 0, currentA: 0, energyWh: 0, tempC: 22.9 },
        ],
      }
      await client.publishAsync(`devices/${pile.id}/telemetry`, JSON.stringify(reading), { qos: 1 })
    }
    await client.endAsync()

    const series = await pollUntil(
      async () => {
        const s = rows(
          await influxQuery(influxUrl, db, 'SELECT * FROM "pile" WHERE "device" = $d', { d: pile.id }),
        )
        return s.length === 5 ? s : undefined
      },
      { what: '5 pile points in InfluxDB' },
    )
    expect(series[0]).toMatchObject({
      time: t0,
      device: pile.id,
      site: site.id,
      'feeder.powerW': 1000,
      portsPowerW: 183.2,
      seq: 0,
    })
    expect(series[0]?.tenant).toBeTruthy()
    expect(series[0]?.community).toBeTruthy()
    expect(Number(series[0]?.unmeteredW)).toBeCloseTo(1000 - 183.2, 5)

    const ports = rows(
      await influxQuery(
        influxUrl,
        db,
        'SELECT "tempC" FROM "pile_port" WHERE "device" = $d AND "port" = \'1\'',
        {
          d: pile.id,
        },
      ),
    )
    expect(ports.map((p) => p.tempC)).toEqual([38.1, 39.1, 40.1, 41.1, 42.1])

    const viaApi = await api<{ points: { ts: number; value: number }[] }>(
      svc,
      'GET',
      `/api/v1/devices/${pile.id}/telemetry?field=feeder.powerW&from=${t0 - 1}&to=${t0 + 3_600_000}`,
    )
    expect(viaApi.points).toEqual([0, 1, 2, 3, 4].map((i) => ({ ts: t0 + i * 60_000, value: 1000 + i })))

    const portApi = await api<{ port: number; points: { ts: number; value: number }[] }>(
      svc,
      'GET',
      `/api/v1/devices/${pile.id}/telemetry?field=tempC&port=1&from=${t0 - 1}&to=${t0 + 3_600_000}`,
    )
    expect(portApi.points.map((p) => p.value)).toEqual([38.1, 39.1, 40.1, 41.1, 42.1])

    const device = await pollUntil(
      async () => {
        const d = await api<{ lastSeen?: number; online?: boolean }>(svc, 'GET', `/api/v1/devices/${pile.id}`)
        return d.lastSeen !== undefined ? d : undefined
      },
      { what: 'lastSeen on the device' },
    )
    expect(device.lastSeen).toBeGreaterThanOrEqual(t0 + 4 * 60_000)
  })

  it('refuses a device with a wrong secret at the broker', async () => {
    await expect(
      mqtt.connectAsync(svc.mqttUrl, {
        clientId: pile.id,
        username: pile.id,
        password: 'not-the-secret',
        reconnectPeriod: 0,
        connectTimeout: 5000,
      }),
    ).rejects.toThrow()
  })

  it('disconnects a decommissioned device at once and refuses it afterwards', async () => {
    const dev = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'circuit-e2e-gone',
      kind: 'circuit-monitor',
      siteId: site.id,
    })
    const client = await mqtt.connectAsync(svc.mqttUrl, {
      clientId: dev.id,
      username: dev.id,
      password: dev.secret,
      reconnectPeriod: 0,
    })
    const closed = new Promise<void>((r) => client.once('close', () => r()))
    await api(svc, 'DELETE', `/api/v1/devices/${dev.id}`)
    await closed
    await expect(
      mqtt.connectAsync(svc.mqttUrl, {
        clientId: dev.id,
        username: dev.id,
        password: dev.secret,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      }),
    ).rejects.toThrow()
  })
})
